"""The funnel: stages as data, leads and the shared pool, deals, products (R-10..R-12, R-15,
R-17, R-19)."""


from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.domains import Periodic, add_nav, add_periodic
    from crm.sales import customer_links, deal_views, lead_views, product_views, subjects
    from crm.sales.access import register_scopes

    register_scopes()
    subjects.register()
    customer_links.register()
    for bp in (lead_views.bp, deal_views.bp, product_views.bp):
        app.register_blueprint(bp)
    add_nav(app, "leads.pool", _l("Shared pool"), "/pool", 20)
    add_nav(app, "leads.index", _l("Leads"), "/leads", 30)
    add_nav(app, "deals.board", _l("Deals"), "/deals", 40)
    add_nav(app, "products.index", _l("Products"), "/products", 50)
    # leads without follow-up for pool_return_days return to the shared pool, daily at
    # 02:00 Asia/Shanghai (18:00 UTC).
    add_periodic(app, Periodic("leads.return_to_pool", "jobs.leads.return_leads_to_pool",
                               cron="0 18 * * *"))
    # ... and warns the owners pool_warning_days ahead, daily at 08:30 Asia/Shanghai.
    add_periodic(app, Periodic("leads.warn_pool_return", "jobs.leads.warn_leads_returning_soon",
                               cron="30 0 * * *"))
