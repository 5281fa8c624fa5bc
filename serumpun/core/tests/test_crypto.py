import pytest
from hypothesis import given
from hypothesis import strategies as st

from serumpun.core import crypto

NIK = "1871014101900001"


@given(st.text())
def test_encryption_round_trips_any_text(value):
    assert crypto.decrypt(crypto.encrypt(value)) == value


def test_ciphertext_hides_the_value_and_differs_each_time():
    first, second = crypto.encrypt(NIK), crypto.encrypt(NIK)
    assert NIK not in first
    assert first != second
    assert first.startswith(crypto.CIPHERTEXT_PREFIX)


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt(NIK)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)


def test_another_key_cannot_decrypt(settings):
    token = crypto.encrypt(NIK)
    settings.FIELD_ENCRYPTION_KEY = "B" * 43
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_blind_index_is_stable_keyed_and_ignores_spacing(settings):
    index = crypto.blind_index(NIK)
    assert crypto.blind_index(f" {NIK[:8]} {NIK[8:]} ") == index
    assert NIK not in index
    settings.FIELD_ENCRYPTION_KEY = "C" * 43
    assert crypto.blind_index(NIK) != index


def test_a_short_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEY = "c2hvcnQ"
    with pytest.raises(crypto.ImproperlyConfigured):
        crypto.encrypt(NIK)


@pytest.mark.parametrize(
    ("value", "masked"),
    [(NIK, "************0001"), ("123", "***"), ("", "")],
)
def test_mask_keeps_only_the_last_four(value, masked):
    assert crypto.mask(value) == masked


def test_field_stores_ciphertext_and_reads_plain_text():
    field = crypto.EncryptedTextField()
    stored = field.get_prep_value(NIK)
    assert stored != NIK
    assert field.from_db_value(stored, None, None) == NIK
    assert field.get_prep_value(None) is None
