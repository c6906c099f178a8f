"""Former home of the ``certificates:`` settings, now :mod:`cooperare.config.certificates` (configuration does not
depend on the domain). Kept only so code written against the old path still imports; new code imports the new one.
"""

from cooperare.config.certificates import (
    DEFAULT_ISSUER,
    DEFAULT_PASSWORD_ENV,
    DEFAULT_PROJECT,
    PASSWORD_REFUSAL,
    CertificatesConfig,
    DeliveryConfig,
    Signatory,
    SigningConfig,
    TrackRule,
)

__all__ = ["DEFAULT_ISSUER", "DEFAULT_PASSWORD_ENV", "DEFAULT_PROJECT", "PASSWORD_REFUSAL", "CertificatesConfig",
           "DeliveryConfig", "Signatory", "SigningConfig", "TrackRule"]
