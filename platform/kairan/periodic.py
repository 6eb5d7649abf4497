"""Every periodic job and its schedule, in one place. `kairan scheduler` runs them.

dramatiq-crontab sends each actor's message at its time; a Redis lock keeps a second
scheduler from running. Jobs are sent from the public schema and fan out per association.
Times are Asia/Tokyo (TIME_ZONE).
"""

from dramatiq_crontab import cron

from billing import tasks as billing
from delivery import tasks as delivery

# Scheduled notices also get a delayed message at their time; this sweep is what makes them
# survive restarts and lost messages, and catches the ones scheduled more than six days out.
cron("* * * * *")(delivery.due_notices_dispatch)
# Claims of dead workers and jobs lost with them.
cron("* * * * *")(delivery.outboxes_sweep)
# Unconfirmed subscriptions and their addresses are not kept.
cron("15 4 * * *")(delivery.registrations_expire_all)
# Invoices for the month (fees in advance, last month's extra mails in arrears).
cron("0 3 1 * *")(billing.billing_month_close)
# Suspensions after the grace period, then overdue reminders.
cron("0 9 * * *")(billing.billing_daily)
# Metered mail counts to Stripe for associations that pay by card.
cron("*/10 * * * *")(billing.usage_report_to_stripe)
