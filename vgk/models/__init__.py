"""The data model, one module per domain. Importing this package registers every table."""
from vgk.models.accounts import (  # noqa: F401
    AuthSession,
    CodePurpose,
    OneTimeCode,
    RecoveryCode,
    Role,
    StaffDevice,
    TwoFactor,
    User,
    UserStatus,
)
from vgk.models.catalog import (  # noqa: F401
    Category,
    City,
    Condition,
    PickupPoint,
    Product,
    ProductImage,
    ProductStatus,
)
from vgk.models.notifications import OutboxMessage  # noqa: F401
