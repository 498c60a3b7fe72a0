from django.core.management.base import BaseCommand, CommandError

from comments.submission import send_unsent_notifications


class Command(BaseCommand):
    help = (
        "E-mails the editors about waiting comments whose mail has not gone yet, because "
        "the mail server was down or slow when they came in. Run it from cron."
    )

    def handle(self, *args, **options):
        sent, failed = send_unsent_notifications()
        self.stdout.write(f"E-mails about waiting comments sent to the editors: {sent}.")
        if failed:
            # A non-zero exit, so that cron tells the operator.
            raise CommandError(
                f"E-mails about waiting comments that could not be sent: {failed}. "
                "The comments keep waiting for the next run."
            )
