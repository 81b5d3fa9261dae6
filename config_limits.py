"""Business rules and limits (mixed into config.Config), all from the environment: commission and holds,
notification limits and timing, per-address and per-account limits, conversations, sign-in throttling."""
import os

from config_env import _env_bool, _env_number


class LimitSettings:
    # Orders: commission taken on each sale (percent of the item price), how long stock is held
    # for an unpaid Mobile Money order, and for a cash order until the seller drops the item off.
    COMMISSION_PERCENT = _env_number("COMMISSION_PERCENT", 10)
    RESERVATION_MINUTES = _env_number("RESERVATION_MINUTES", 30)
    CASH_HOLD_HOURS = _env_number("CASH_HOLD_HOURS", 72)
    # Sellers are reminded by SMS this long before the drop-off deadline (CASH_HOLD_HOURS from the sale).
    DROP_OFF_REMINDER_HOURS = _env_number("DROP_OFF_REMINDER_HOURS", 24)
    MIN_PAYOUT = _env_number("MIN_PAYOUT", 1000)
    # Notifications: at most N messages per person, channel and category within a rolling window of
    # S seconds ({category: {channel: (N, S)}}); chat counts per conversation. Over it, a message is logged
    # as suppressed and not sent. Transactional and security messages have no limit.
    NOTIFY_LIMITS = {
        "chat": {"sms": (1, 3600), "whatsapp": (1, 3600), "push": (6, 3600), "email": (1, 3600)},
        "alerts": {"sms": (3, 7 * 86400), "whatsapp": (3, 7 * 86400), "push": (5, 86400), "email": (3, 86400)},
        "news": {"email": (1, 6 * 86400), "push": (1, 86400)},
    }
    # Alerts and news wait for the hour each person most often uses the app (learned once they were seen
    # NOTIFY_ACTIVE_MIN_SAMPLES times; NOTIFY_DEFAULT_HOUR until then, Cameroon time). Messages waiting for the
    # same time leave as one digest of at most NOTIFY_DIGEST_LINES lines ("et X autres").
    NOTIFY_SMART_TIMING = _env_bool("NOTIFY_SMART_TIMING", True)
    NOTIFY_DEFAULT_HOUR = _env_number("NOTIFY_DEFAULT_HOUR", 18)
    NOTIFY_ACTIVE_MIN_SAMPLES = _env_number("NOTIFY_ACTIVE_MIN_SAMPLES", 5)
    NOTIFY_DIGEST_LINES = _env_number("NOTIFY_DIGEST_LINES", 10)
    # A/B tests of messages' words: {event: {variant: weight}}, e.g. {"alert.price_drop": {"a": 50, "b": 50}};
    # variant b's words are templates/notifications/<event>/<channel>.b.txt. Figures on /admin/experiences.
    NOTIFY_EXPERIMENTS: dict[str, dict[str, int]] = {}
    # Favourites hear of a listing's new price when it is at least this many percent lower than before.
    PRICE_DROP_MIN_PERCENT = _env_number("PRICE_DROP_MIN_PERCENT", 10)
    # At most this many orders waiting for payment per phone number and per account.
    MAX_UNPAID_ORDERS = _env_number("MAX_UNPAID_ORDERS", 5)
    # Per-IP limits on placing orders and starting payments, and on the payment provider's webhook.
    CHECKOUT_RATE_LIMIT = os.environ.get("CHECKOUT_RATE_LIMIT", "10 per minute; 40 per hour")
    PAYMENT_WEBHOOK_RATE_LIMIT = os.environ.get("PAYMENT_WEBHOOK_RATE_LIMIT", "60 per minute; 1000 per hour")
    # Delivery reports come from a few provider addresses, one per message sent: a limit that only stops a flood.
    DELIVERY_CALLBACK_RATE_LIMIT = os.environ.get("DELIVERY_CALLBACK_RATE_LIMIT", "1200 per minute")
    # Reports of listings: per-IP limit, and at most this many reports per reporter (account or address) an hour.
    REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "5 per minute; 20 per hour")
    REPORTS_PER_HOUR = _env_number("REPORTS_PER_HOUR", 10)

    # Conversations: messages a person may send per minute, conversations they may start per day, and
    # whether phone numbers and emails in messages stay masked until an order exists between the two.
    CHAT_MESSAGES_PER_MINUTE = _env_number("CHAT_MESSAGES_PER_MINUTE", 20)
    CHAT_NEW_CONVERSATIONS_PER_DAY = _env_number("CHAT_NEW_CONVERSATIONS_PER_DAY", 30)
    CHAT_MASK_CONTACTS = _env_bool("CHAT_MASK_CONTACTS", True)
    # Plain WebSocket chat (/ws/chat/...): connections per web process (each holds a thread; 0: three quarters
    # of the process's threads), and the ping interval.
    CHAT_WS_MAX_CONNECTIONS = _env_number("CHAT_WS_MAX_CONNECTIONS", 0)
    CHAT_WS_PING_SECONDS = _env_number("CHAT_WS_PING_SECONDS", 25)
    # How long a buyer may check out at an accepted offer's price.
    OFFER_VALID_HOURS = _env_number("OFFER_VALID_HOURS", 24)

    # Shared staff tablets lock after this many idle seconds.
    STAFF_IDLE_SECONDS = _env_number("STAFF_IDLE_SECONDS", 300)
    # Sensitive account changes (phone, second factor, recovery codes) and payouts need the password or
    # a fresh second factor given within this many seconds in the same session.
    REAUTH_MAX_AGE_SECONDS = _env_number("REAUTH_MAX_AGE_SECONDS", 600)
    # Sign-in throttling without lockout: a source is refused on an account after this many wrong
    # passwords within the window; past the per-account count, the right password also owes a code.
    SIGN_IN_FAILURES_PER_SOURCE = _env_number("SIGN_IN_FAILURES_PER_SOURCE", 5)
    SIGN_IN_FAILURES_PER_ACCOUNT = _env_number("SIGN_IN_FAILURES_PER_ACCOUNT", 5)
    SIGN_IN_FAILURE_WINDOW_SECONDS = _env_number("SIGN_IN_FAILURE_WINDOW_SECONDS", 900)
    # Wrong second-factor codes at sign-in for one account, over all its sign-ins within the window,
    # after which the code step is refused for that account (each sign-in has only 5 tries of its own).
    SECOND_FACTOR_FAILURES_PER_ACCOUNT = _env_number("SECOND_FACTOR_FAILURES_PER_ACCOUNT", 50)
    # Password-reset messages (SMS codes, email links) one source IP may get sent within the window,
    # whatever the numbers or addresses asked for (each destination also gets at most 3 per 15 minutes).
    PASSWORD_RESETS_PER_SOURCE = _env_number("PASSWORD_RESETS_PER_SOURCE", 10)
    PASSWORD_RESET_SOURCE_WINDOW_SECONDS = _env_number("PASSWORD_RESET_SOURCE_WINDOW_SECONDS", 3600)
