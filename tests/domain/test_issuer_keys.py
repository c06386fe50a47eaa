"""The issuer's signing key: production refuses one that cannot sign; development makes one."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import ECKey, RSAKey

from app.config import ConfigError, load
from app.issuer_keys import development_key, read_key, split_settings
from tests.domain.test_account_rules import PRODUCTION_ENVIRON


def _short_rsa_key() -> str:
    """A 1024-bit RSA key in PEM, made without the signing library's warning about it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("/no/such/key.pem", "cannot read the issuer key file"),
        (ECKey.generate_key("P-256").as_pem(private=False).decode(), "public key"),
        (ECKey.generate_key("P-384", private=True).as_pem(private=True).decode(), "P-256"),
        (_short_rsa_key(), "2048"),
        ("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----", "not a PEM"),
    ],
)
def test_production_will_not_start_with_a_key_that_cannot_sign(tmp_path, key, problem):
    with pytest.raises(ConfigError, match=problem):
        load(tmp_path, environ={**PRODUCTION_ENVIRON, "LINKWISE_ISSUER_KEY": key})


def test_a_key_file_path_or_its_text_both_load_and_pick_the_algorithm(tmp_path):
    rsa = RSAKey.generate_key(2048, private=True).as_pem(private=True)
    (tmp_path / "rsa.pem").write_bytes(rsa)
    assert read_key(str(tmp_path / "rsa.pem")).alg == "RS256"
    assert read_key(rsa.decode()).alg == "RS256"
    assert read_key(ECKey.generate_key("P-256", private=True).as_pem(private=True)).alg == "ES256"


def test_development_makes_one_private_key_and_keeps_it(tmp_path):
    first = development_key(tmp_path)
    assert first.stat().st_mode & 0o777 == 0o600
    text = first.read_bytes()
    assert development_key(tmp_path).read_bytes() == text
    assert [p.name for p in tmp_path.iterdir()] == ["issuer-key.pem"]  # no drafts left behind


def test_retired_keys_are_given_as_paths_or_pems_and_each_must_load(tmp_path):
    pems = [ECKey.generate_key("P-256", private=True).as_pem(private=True) for _ in range(2)]
    paths = [tmp_path / "old-1.pem", tmp_path / "old-2.pem"]
    for path, pem in zip(paths, pems, strict=True):
        path.write_bytes(pem)
    assert split_settings(f"{paths[0]}:{paths[1]}") == [str(paths[0]), str(paths[1])]
    assert [read_key(s).thumbprint for s in split_settings(b"".join(pems).decode())] == [
        read_key(pem).thumbprint for pem in pems
    ]
    environ = {**PRODUCTION_ENVIRON, "LINKWISE_ISSUER_RETIRED_KEYS": f"{paths[0]}:/no/such.pem"}
    with pytest.raises(ConfigError, match="LINKWISE_ISSUER_RETIRED_KEYS: cannot read"):
        load(tmp_path, environ=environ)
    environ["LINKWISE_ISSUER_RETIRED_KEYS"] = f"{paths[0]}:{paths[1]}"
    assert load(tmp_path, environ=environ)["ISSUER_RETIRED_KEYS"]
