"""Make, rotate and prune the office's key pair for pre-application codes.

    manage.py preapply_keys            # the first pair (or show the current one)
    manage.py preapply_keys --rotate   # a new pair; codes sealed to the old one stay readable until they expire
    manage.py preapply_keys --prune    # delete pairs retired longer than PREAPPLY_MAX_AGE_DAYS ago

Private keys: PREAPPLY_PRIVATE_KEY_DIR (mode 0600, office side only). The public key file,
PREAPPLY_PUBLIC_KEY_FILE, is what the public side needs: copy it there after every rotation.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madoguchi.preapply import keyring


class Command(BaseCommand):
    help = "Create (or rotate, or prune) the key pair that seals pre-application QR codes."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="make a new current pair, keeping the old ones")
        action.add_argument("--prune", action="store_true",
                            help="delete pairs retired longer ago than codes stay valid (PREAPPLY_MAX_AGE_DAYS)")

    def handle(self, *args, rotate: bool = False, prune: bool = False, **options):
        directory, public_file = settings.PREAPPLY_PRIVATE_KEY_DIR, settings.PREAPPLY_PUBLIC_KEY_FILE
        now = timezone.now()
        try:
            if rotate:
                pair, retired = keyring.rotate(directory, public_file, now=now)
                self.stdout.write(f"new key pair {pair.kid}; retired {', '.join(p.kid for p in retired) or 'none'} "
                                  f"(codes sealed to them stay readable for {settings.PREAPPLY_MAX_AGE_DAYS} days)")
                self.stdout.write(f"copy the public key file to the public side: {public_file}")
            elif prune:
                keep_for = timedelta(days=settings.PREAPPLY_MAX_AGE_DAYS + 1)
                removed = keyring.prune(directory, now=now, keep_for=keep_for)
                self.stdout.write(f"deleted {len(removed)} retired key pair(s): "
                                  f"{', '.join(p.kid for p in removed) or 'none'}")
            else:
                current = keyring.current_pair(keyring.read_pairs(directory))
                if current is None:
                    current = keyring.create(directory, public_file, now=now)
                    self.stdout.write(f"created key pair {current.kid} in {directory}")
                elif not public_file.exists():
                    keyring.write_public_key(public_file, current.public_key)
                    self.stdout.write(f"wrote the missing public key file {public_file}")
                self.stdout.write(f"current key pair: {current.kid} (made {current.created_at:%Y-%m-%d %H:%M})")
                self.stdout.write(f"public key file for the public side: {public_file}")
            for pair in keyring.read_pairs(directory):
                state = f"retired {pair.retired_at:%Y-%m-%d}" if pair.retired_at else "current"
                self.stdout.write(f"  {pair.kid}  made {pair.created_at:%Y-%m-%d}  {state}")
        except keyring.KeyFileError as error:
            raise CommandError(str(error)) from None
