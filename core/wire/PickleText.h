#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope::pickletext {

// The arguments of pickle's text opcodes (protocol 0) and the cut ends of counted strings, for the
// preview's reader (PickleSketch). All of them take time linear in their input.

// The decimal argument of INT or LONG (optional sign, digits; LONG's trailing 'L' removed by the
// caller). Sets `value` when it fits in 64 bits, else `big` to its repr: the digits without
// leading zeros, or "<int of N digits>" beyond the 4300 digits CPython prints. False: not decimal.
bool parseDecimalInt(QByteArrayView text, qint64& value, QByteArray& big);

// FLOAT's argument as repr(float) writes it ("1.5", "1e-05", "inf", "nan"). False: not a float.
bool parseFloat(QByteArrayView text, double& value);

// UNICODE's argument, raw-unicode-escape (Latin-1 bytes, \uXXXX and \UXXXXXXXX), as pickle's UTF-8
// (surrogates kept, see isPyUtf8()). `partial`: the argument was cut, so an escape cut short at
// its end is dropped rather than taken literally. False: a code point beyond U+10FFFF.
bool decodeRawUnicodeEscape(QByteArrayView text, bool partial, QByteArray& utf8);

// The longest start of `utf8` that does not end inside a multi-byte sequence: what a str cut
// after `utf8.size()` bytes can show.
QByteArrayView wholeUtf8Start(QByteArrayView utf8);

// Pickle's UTF-8 of a str whose code points are all below 256 as those bytes (Latin-1), which is
// how protocols 0 to 2 carry bytes (_codecs.encode(str, 'latin1')). False: some code point is not.
bool latin1FromUtf8(QByteArrayView utf8, QByteArray& bytes);

// `text` (a name, a protocol 0 string) for display: as it is when it is UTF-8 without control
// characters or surrogates, else with every byte outside printable ASCII as \xNN.
QByteArray printable(QByteArrayView text);

} // namespace pipescope::pickletext
