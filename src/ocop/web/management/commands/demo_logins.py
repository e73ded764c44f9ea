from django.core.management.base import BaseCommand
from django.utils import translation

from ocop.accounts.constants import Role
from ocop.web.demo.loader import load_data


class Command(BaseCommand):
    help = "Print the demonstration log-ins, one per role."

    def handle(self, *args, **options):
        data = load_data()
        translation.activate("vi")
        self.stdout.write("")
        self.stdout.write(
            "Tài khoản trình diễn (mật khẩu chung / shared password: {})".format(data["password"])
        )
        width = max(len(u["username"]) for u in data["users"])
        for user in data["users"]:
            role = Role(user["role"]).label
            self.stdout.write(f"  {user['username'].ljust(width)}  {role} — {user['full_name']}")
        self.stdout.write("")
