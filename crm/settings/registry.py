"""Every number of REQUIREMENTS.md that an admin may tune, with its default and bounds."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class SettingDef:
    key: str
    kind: type  # int | Decimal | bool | str (a text template)
    default: object
    label: object
    group: object
    rule: str = ""
    minimum: int | Decimal | None = 0
    maximum: int | Decimal | None = None
    unit: object = ""


# Each label is the sentence the number completes ("... within [30] minutes"); the rule id (R-xx)
# is shown beside it as a reference to the company regulations.
_DAYS, _HOURS, _MINUTES = _l("days"), _l("hours"), _l("minutes")
_TIMES, _YEARS, _QUARTERS = _l("times"), _l("years"), _l("quarters")
_CNY, _PERCENT, _CHARACTERS = _l("CNY"), _l("%"), _l("characters")
_SQUARE_METRES, _POINTS = _l("m²"), _l("points")
_G_ACCESS, _G_SALES, _G_MONEY = _l("Login and security"), _l("Sales funnel"), _l("Receivables")
_G_SERVICE, _G_CAMPAIGN, _G_CHANNEL = _l("Customer service"), _l("Campaigns"), _l("Channel")
_G_ALERTS = _l("Alerts")
TEMPLATE_MAX = 1000  # characters of a text template
# The signing form's suggested terms: the company's own contract text, kept as entered.
PAYMENT_TERMS = ("签约后付合同总价的30%，发货前付60%，验收合格后付10%；"
                 "各期款项于收到发票后15日内支付。")
BREACH_LIABILITY = ("逾期付款的，每日按应付未付金额的万分之五支付违约金；"
                    "逾期交货的，每日按合同总价的万分之五支付违约金，累计不超过合同总价的10%。")

DEFINITIONS: tuple[SettingDef, ...] = (
    SettingDef("login_max_failures", int, 5, _l("Lock an account after failed logins in a "
               "row"), _G_ACCESS, minimum=1, maximum=100, unit=_TIMES),
    SettingDef("login_ip_max_failures", int, 20, _l("Block an IP address after failed "
               "logins"), _G_ACCESS, minimum=1, maximum=10000, unit=_TIMES),
    SettingDef("login_window_minutes", int, 15, _l("Count failed logins, and keep a lock, "
               "for"), _G_ACCESS, minimum=1, maximum=1440, unit=_MINUTES),
    SettingDef("password_min_length", int, 10, _l("Passwords are at least"), _G_ACCESS,
               minimum=8, maximum=128, unit=_CHARACTERS),
    SettingDef("session_idle_minutes", int, 60, _l("Log out after inactivity of"), _G_ACCESS,
               minimum=5, maximum=1440, unit=_MINUTES),
    SettingDef("duplicate_lookups_per_hour", int, 30, _l("Duplicate checks per user and hour "
               "that may name the owner of someone else's customer"), _G_ACCESS, "R-14",
               minimum=1, maximum=1000),
    SettingDef("pool_return_days", int, 30, _l("A lead nobody follows up goes back to the "
               "shared pool after"), _G_SALES, "R-12", minimum=1, maximum=365, unit=_DAYS),
    SettingDef("pool_warning_days", int, 3, _l("The owner is alerted, and the home page warns, "
               "about such a lead before it goes back (0: no warning)"), _G_SALES, "R-12",
               minimum=0, maximum=60, unit=_DAYS),
    SettingDef("lead_round_robin", bool, False, _l("Give new unassigned leads to the reps of "
               "their team in turn (round-robin) instead of the shared pool"), _G_SALES, "R-12",
               minimum=None),
    SettingDef("target_revenue_threshold", Decimal, Decimal("50000000"),
               _l("A manufacturer is a target customer with an annual revenue above"),
               _G_SALES, "R-13", unit=_CNY),
    SettingDef("deal_amount_ceiling", Decimal, Decimal("1000000000"),
               _l("Largest amount a deal or contract may have: a typing slip above it is "
                  "refused"), _G_SALES, "R-15", minimum=1, maximum=Decimal("999999999999"),
               unit=_CNY),
    SettingDef("payment_terms_template", str, PAYMENT_TERMS,
               _l("Payment terms suggested when a contract is signed"), _G_SALES, "R-15",
               minimum=None, maximum=TEMPLATE_MAX),
    SettingDef("breach_liability_template", str, BREACH_LIABILITY,
               _l("Liability for breach suggested when a contract is signed"), _G_SALES, "R-15",
               minimum=None, maximum=TEMPLATE_MAX),
    SettingDef("delivery_exception_hours", int, 24, _l("Tell the customer about a delivery "
               "problem within"), _G_SALES, "R-16", minimum=1, maximum=720, unit=_HOURS),
    SettingDef("collection_letter_days", int, 7, _l("Send a written collection letter when "
               "a payment is overdue by"), _G_MONEY, "R-21", minimum=1, maximum=365, unit=_DAYS),
    SettingDef("director_visit_days", int, 15, _l("The sales director visits the customer "
               "when a payment is overdue by"), _G_MONEY, "R-21", minimum=1, maximum=365,
               unit=_DAYS),
    SettingDef("legal_action_days", int, 30, _l("Start legal proceedings when a payment is "
               "overdue by"), _G_MONEY, "R-21", minimum=1, maximum=730, unit=_DAYS),
    SettingDef("archive_hours", int, 24, _l("Complete the service archive after a contract is "
               "signed within"), _G_SERVICE, "R-30", minimum=1, maximum=720, unit=_HOURS),
    SettingDef("first_revisit_days", int, 7, _l("First revisit after a delivery within"),
               _G_SERVICE, "R-31", minimum=1, maximum=90, unit=_DAYS),
    SettingDef("routine_revisit_days", int, 30, _l("Routine revisit every"), _G_SERVICE, "R-31",
               minimum=1, maximum=365, unit=_DAYS),
    SettingDef("deep_interview_days", int, 90, _l("In-depth customer interview every"),
               _G_SERVICE, "R-31", minimum=1, maximum=730, unit=_DAYS),
    SettingDef("complaint_response_minutes", int, 30, _l("Respond to a complaint within"),
               _G_SERVICE, "R-33", minimum=1, maximum=1440, unit=_MINUTES),
    SettingDef("complaint_solution_hours", int, 24, _l("Give a complaint a first solution "
               "within"), _G_SERVICE, "R-33", minimum=1, maximum=720, unit=_HOURS),
    SettingDef("complaint_plan_hours", int, 48, _l("Give a complex complaint a written plan "
               "within"), _G_SERVICE, "R-33", minimum=1, maximum=720, unit=_HOURS),
    SettingDef("survey_months", str, "6,12", _l("Survey every active customer's satisfaction "
               "in these months (numbers 1-12, separated by commas)"), _G_SERVICE, "R-34",
               minimum=None, maximum=40),
    SettingDef("satisfaction_threshold", int, 80, _l("A satisfaction score (of 100) below "
               "this needs an improvement plan"), _G_SERVICE, "R-34", minimum=0, maximum=100),
    SettingDef("escalation_delay_hours", int, 24, _l("Tell the owner's manager when a "
               "deadline is still overdue after"), _G_ALERTS, "R-41", minimum=1, maximum=720,
               unit=_HOURS),
    SettingDef("campaign_approval_threshold", Decimal, Decimal("50000"),
               _l("The director approves a campaign with a budget above"), _G_CAMPAIGN,
               "R-51", unit=_CNY),
    SettingDef("campaign_kickoff_days", int, 7, _l("Hold the kickoff meeting before a "
               "campaign starts, at least"), _G_CAMPAIGN, "R-52", minimum=0, maximum=180,
               unit=_DAYS),
    SettingDef("campaign_closing_days", int, 15, _l("Accept a campaign's results after it "
               "ends within"), _G_CAMPAIGN, "R-52", minimum=1, maximum=180, unit=_DAYS),
    SettingDef("dealer_min_experience_years", int, 3, _l("A new dealer has industry "
               "experience of at least"), _G_CHANNEL, "R-60", minimum=0, maximum=50,
               unit=_YEARS),
    SettingDef("dealer_min_capital", Decimal, Decimal("1000000"), _l("A new dealer has "
               "registered capital of at least"), _G_CHANNEL, "R-60", unit=_CNY),
    SettingDef("dealer_warehouse_per_million", int, 50, _l("A new dealer's warehouse has, per "
               "million CNY of planned yearly sales, at least"), _G_CHANNEL, "R-60",
               minimum=0, maximum=10000, unit=_SQUARE_METRES),
    SettingDef("dealer_weight_attainment", int, 50, _l("Weight of sales target attainment in "
               "a dealer's quarterly score"), _G_CHANNEL, "R-62", maximum=100, unit=_PERCENT),
    SettingDef("dealer_weight_new_customers", int, 30, _l("Weight of new customers developed "
               "in a dealer's quarterly score"), _G_CHANNEL, "R-62", maximum=100,
               unit=_PERCENT),
    SettingDef("dealer_weight_complaints", int, 20, _l("Weight of the complaint rate in a "
               "dealer's quarterly score"), _G_CHANNEL, "R-62", maximum=100, unit=_PERCENT),
    SettingDef("dealer_pass_score", int, 60, _l("A dealer passes a quarter with a score of "
               "at least"), _G_CHANNEL, "R-62", maximum=100, unit=_POINTS),
    SettingDef("dealer_new_customers_goal", int, 5, _l("New customers a quarter that earn a "
               "dealer full marks"), _G_CHANNEL, "R-62", minimum=1, maximum=1000),
    SettingDef("dealer_complaint_ceiling", int, 10, _l("A complaint rate (complaints per 100 "
               "customers sold) that earns a dealer no marks"), _G_CHANNEL, "R-62", minimum=1,
               maximum=100, unit=_PERCENT),
    SettingDef("dealer_warning_quarters", int, 2, _l("Warn a dealer after failing quarters "
               "in a row"), _G_CHANNEL, "R-62", minimum=1, maximum=8, unit=_QUARTERS),
    SettingDef("dealer_termination_quarters", int, 3, _l("End a dealer's agreement after "
               "failing quarters in a row"), _G_CHANNEL, "R-62", minimum=1, maximum=12,
               unit=_QUARTERS),
    SettingDef("dealer_growth_percent", int, 15, _l("Grow the dealer network each year by"),
               _G_CHANNEL, "R-63", minimum=0, maximum=100, unit=_PERCENT),
)

BY_KEY = {d.key: d for d in DEFINITIONS}
