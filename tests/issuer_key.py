"""A throwaway issuer signing key for tests that build a production app."""

from joserfc.jwk import ECKey

# Made afresh for each test run and never written anywhere.
TEST_ISSUER_PEM = ECKey.generate_key("P-256", private=True).as_pem(private=True).decode()
