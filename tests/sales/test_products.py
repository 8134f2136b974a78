"""Products and value-added products (R-17): product managers edit, everyone reads."""

from sqlalchemy import select

from crm.extensions import db
from crm.sales.models import Product


def _form(**values):
    return {"name": "", "kind": "product", "category": "", "price": "", "active": "y",
            "description": "", **values}


def test_a_product_manager_builds_a_bundle_everyone_reads_it(app, login):
    pm = login("hefang")
    assert pm.post("/products/new", _form(name="智能数控系统 CNC-800", category="数控系统",
                                          price="186000")).status_code == 303
    assert pm.post("/products/new", _form(name="远程运维云服务（年）", kind="software_service",
                                          price="36000")).status_code == 303
    with app.app_context():
        ids = list(db.session.scalars(select(Product.id).order_by(Product.id)))
    assert pm.post("/products/new", _form(name="智能工厂套餐", kind="bundle", price="200000",
                                          component_ids=ids)).status_code == 303
    listing = login("zhangwei").get("/products?q=znsk", htmx=True,
                                    target="product-list").get_data(as_text=True)
    assert "智能工厂套餐" not in listing and "智能数控系统" in listing
    bundles = login("zhengshuang").get("/products?kind=bundle").get_data(as_text=True)
    assert "智能数控系统 CNC-800、远程运维云服务（年）" in bundles and "增值套餐" in bundles


def test_invalid_products_are_422_and_reps_cannot_edit(app, login):
    pm = login("hefang")
    negative = pm.post("/products/new", _form(name="网关", price="-1"))
    assert negative.status_code == 422
    assert 'id="price-error"' in negative.get_data(as_text=True)
    empty_bundle = pm.post("/products/new", _form(name="空套餐", kind="bundle", price="10"))
    assert empty_bundle.status_code == 422
    assert "至少包含一个产品" in empty_bundle.get_data(as_text=True)
    assert login("zhangwei").get("/products/new").status_code == 403
