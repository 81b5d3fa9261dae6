"""The data model, one module per domain. Importing this package registers every table."""
from vgk.models.accounts import Role, User, UserStatus  # noqa: F401
from vgk.models.catalog import (  # noqa: F401
    Category,
    City,
    Condition,
    PickupPoint,
    Product,
    ProductImage,
    ProductStatus,
)
