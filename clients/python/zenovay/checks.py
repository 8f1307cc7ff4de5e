"""Client-side checks of revenue and user_id, the same in meaning as the server's.

An event the server would refuse with 400 for these fields is refused here first, with the same
fields and reasons (packages/server/src/ingest/revenue.ts and validate.ts), and nothing is sent.
Strings are measured and cut in UTF-16 units and trimmed of JavaScript's whitespace, as the server
(JavaScript) does; test/clients-python.test.ts checks the verdicts against the server's own.
"""

import decimal
import re

#: ISO 4217 codes in current use: the list the server reads from its ICU data (Node 20).
CURRENCIES = frozenset('AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XDR XOF XPF XSU YER ZAR ZMW ZWG ZWL'.split())

MAX_DECIMALS = 4
MAX_UNITS = 10**12
USER_ID_MAX = 256

# JavaScript's String.prototype.trim: WhiteSpace and LineTerminator code points.
_JS_SPACE = '\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
_DECIMAL = re.compile(r'([0-9]+)(?:\.([0-9]+))?\Z')


def check_event(revenue, properties, user_id):
    """The offending fields as [{'field', 'reason'}]; [] when the server would accept these."""
    fields = []

    def fail(field, reason):
        fields.append({'field': field, 'reason': reason})

    if revenue is not None:
        if not isinstance(revenue, dict):
            fail('revenue', 'must be an object {"amount": 12.5, "currency": "EUR"}')
        else:
            _currency(revenue.get('currency'), 'revenue.currency', fail)
            _amount(revenue.get('amount'), 'revenue.amount', fail)
    elif isinstance(properties, dict):
        currency = properties.get('currency')
        if currency is not None and currency != '':
            _currency(currency, 'properties.currency', fail)
            _amount(properties.get('value'), 'properties.value', fail)
    if user_id is not None:
        if not isinstance(user_id, str):
            fail('user_id', 'must be a string')
        elif utf16_length(user_id) > USER_ID_MAX:
            fail('user_id', 'must be at most %d characters' % USER_ID_MAX)
        elif user_id == '':
            fail('user_id', 'must be at least 1 characters')
        elif '\x00' in user_id:
            fail('user_id', 'must not contain NUL characters')
    return fields


def amount_for_json(amount):
    """A Decimal goes as its exact decimal text; other amounts as they are."""
    if isinstance(amount, decimal.Decimal):
        return format(amount, 'f') if amount.is_finite() else str(amount)
    return amount


def utf16_length(text):
    return len(text.encode('utf-16-le', 'surrogatepass')) // 2


def _utf16_slice(text, units):
    return text.encode('utf-16-le', 'surrogatepass')[: units * 2].decode('utf-16-le', 'surrogatepass')


def _currency(value, field, fail):
    if value is None or value == '':
        fail(field, 'is required with an amount: an ISO 4217 code such as "USD"')
    elif not isinstance(value, str):
        fail(field, 'must be an ISO 4217 currency code such as "USD"')
    elif value.strip(_JS_SPACE).upper() not in CURRENCIES:
        fail(
            field,
            '"%s" is not an ISO 4217 currency code in use (such as "USD", "EUR")' % _utf16_slice(value, 16),
        )


def _amount(value, field, fail):
    if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str, decimal.Decimal)):
        if value is None:
            fail(field, 'is required: a number or decimal string such as 19.99')
        else:
            fail(field, 'must be a number or a decimal string such as "19.99"')
        return
    if isinstance(value, decimal.Decimal):
        value = amount_for_json(value)  # sent as this text, so checked as it
    if isinstance(value, str):
        text = value.strip(_JS_SPACE)
    elif isinstance(value, int):
        text = str(value)
    else:
        if value != value or value in (float('inf'), float('-inf')):
            fail(field, 'must be a finite number')
            return
        # The shortest text that reads back as this float: what JSON carries and the server reads.
        text = '0' if value == 0 else repr(value)  # JavaScript writes -0 as "0"
        if 'e' in text or 'E' in text:
            text = '%.20f' % value if -1 < value < 1 else str(int(value))
        elif text.endswith('.0'):
            text = text[:-2]
    if text.startswith('-'):
        fail(field, 'must not be negative')
        return
    match = _DECIMAL.match(text)
    if not match:
        fail(field, 'must be a number or a decimal string such as "19.99"')
        return
    fraction = (match.group(2) or '').rstrip('0')
    if len(fraction) > MAX_DECIMALS:
        fail(field, 'has more than %d decimals; send it rounded as you charged it' % MAX_DECIMALS)
    elif int(match.group(1)) >= MAX_UNITS:
        fail(field, 'must be below 1,000,000,000,000')
