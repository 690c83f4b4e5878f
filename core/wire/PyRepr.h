#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace pipescope {

// Text exactly as CPython 3.11's repr() prints it.

// repr(float): the shortest string that round-trips, fixed notation for exponents -4..15
// ("1000000000000000.0", "0.0001"), scientific otherwise ("1e-05", "1e+16"); "inf", "nan", "-0.0".
QString reprFloat(double value);

// repr(str) for a Python str held as UTF-16. Lone surrogates count as code points of their own.
QString reprStr(QStringView text);
// repr(str) for a Python str held as pickle's UTF-8 (see isPyUtf8()).
QString reprStrUtf8(QByteArrayView utf8);

// repr(bytes): b'...' with \\, the quote, \t, \n, \r and \xNN for bytes outside 0x20..0x7e.
QString reprBytes(QByteArrayView bytes);
// The same, appended to `out` as ASCII without a QString in between (for hot paths).
void appendReprBytes(QByteArray& out, QByteArrayView bytes);

// Appends repr(bytes) (or repr(str) of pickle's UTF-8) to `out` while `out` stays within `limit`
// units: when the whole does not fit, as many whole escapes as fit (never half of "\xa8", "\\"
// or "\n") and no closing quote, and `cut` is set. The quote is picked from `bytes` as given.
void appendReprBytes(QString& out, QByteArrayView bytes, qsizetype limit, bool& cut);
void appendReprStrUtf8(QString& out, QByteArrayView utf8, qsizetype limit, bool& cut);
// A preview of bytes of which `bytes` is the start (`more`: there are more): their repr if it
// fits in maxLength characters and nothing is left out, else as many whole escapes as fit
// followed by "..." and the closing quote, at most maxLength characters in all (maxLength >= 6).
QByteArray reprBytesPreview(QByteArrayView bytes, qsizetype maxLength, bool more);

// A Python str travels in pickles as UTF-8 encoded with the 'surrogatepass' error handler: strict
// UTF-8 except that the surrogates U+D800..U+DFFF may appear, each as its own 3-byte sequence.
bool isPyUtf8(QByteArrayView utf8);
// Decodes such UTF-8 (which must satisfy isPyUtf8()) to UTF-16, surrogates kept as single units.
QString pyUtf8ToQString(QByteArrayView utf8);
// Encodes UTF-16 that way: surrogate pairs become one code point, lone surrogates pass through.
QByteArray qStringToPyUtf8(QStringView text);
// The longest start of `utf8` of at most `limit` bytes that splits no character.
QByteArrayView cutUtf8(QByteArrayView utf8, qsizetype limit);

} // namespace pipescope
