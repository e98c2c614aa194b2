from allauth.account.adapter import DefaultAccountAdapter

from apprentissage.mail import queue_message


class AccountAdapter(DefaultAccountAdapter):
    """People join by invitation only; allauth's e-mails go through our mail task."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        queue_message(self.render_mail(template_prefix, email, context))
