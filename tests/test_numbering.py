"""Gapless yearly numbers: 督〔2026〕15号."""

import threading

import pytest
from django.db import connection, transaction

from office.models import Counter
from office.numbering import number_format, number_take


def take(series="督", year=2026):
    with transaction.atomic():
        return number_take(series=series, year=year)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_raises():
    # transaction=True: no test-wide atomic block around the test.
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        number_take(series="督", year=2026)
    assert not Counter.objects.exists()
    with transaction.atomic():
        assert number_take(series="督", year=2026) == 1


@pytest.mark.django_db
def test_consecutive_numbers_per_series_and_year():
    assert [take() for _ in range(3)] == [1, 2, 3]
    assert Counter.objects.get(series="督", year=2026).last_value == 3


@pytest.mark.django_db
def test_series_and_years_are_independent():
    assert take("督", 2026) == 1
    assert take("收", 2026) == 1
    assert take("督", 2027) == 1
    assert take("督", 2026) == 2
    assert take("收", 2026) == 2
    assert take("督", 2025) == 1
    assert take("督", 2027) == 2
    assert Counter.objects.count() == 4


@pytest.mark.django_db
def test_several_numbers_in_one_transaction():
    with transaction.atomic():
        assert [number_take(series="清人常办发", year=2026) for _ in range(3)] == [1, 2, 3]


class Boom(Exception):
    pass


@pytest.mark.django_db
def test_rolled_back_number_is_given_back():
    assert take() == 1
    with pytest.raises(Boom):
        with transaction.atomic():
            assert number_take(series="督", year=2026) == 2
            raise Boom
    assert take() == 2  # no gap
    assert take() == 3


@pytest.mark.django_db
def test_rolled_back_first_number_is_given_back():
    # The counter row itself is created in the rolled-back transaction.
    with pytest.raises(Boom):
        with transaction.atomic():
            assert number_take(series="收", year=2026) == 1
            raise Boom
    assert not Counter.objects.filter(series="收").exists()
    assert take("收") == 1


def test_number_format():
    assert number_format(prefix="督", year=2026, value=15) == "督〔2026〕15号"
    assert number_format(prefix="清人常办发", year=2026, value=3) == "清人常办发〔2026〕3号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_takes_get_distinct_gapless_numbers():
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                value = number_take(series="督", year=2026)
            with lock:
                results.append(value)
        except Exception as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(results) == list(range(1, threads_count + 1))
    assert Counter.objects.get(series="督", year=2026).last_value == threads_count
