"""Login hardening: the lock-out's client address and page (django-axes), and the
password length rule in Chinese."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The address failures are counted against. Behind TRUSTED_PROXY_COUNT reverse
    proxies the client is the entry the outermost one appended to X-Forwarded-For;
    anything further left was written by the client and is not trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """429 with a page that says what happened and what to do, in Chinese."""
    message = f"登录失败次数过多，账户已暂时锁定，请 {cooloff_minutes()} 分钟后再试或联系办公室管理员"
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 changed this message's source text and its zh_Hans catalogue was not
    updated, so the stock validator answers in English."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"
