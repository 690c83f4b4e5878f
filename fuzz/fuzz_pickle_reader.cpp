// libFuzzer target: decodePickle() on arbitrary bytes.
//
// The input is the pickle, read with the default PickleLimits as a Connection reads one. ASan and
// UBSan watch every read; a pickle that decodes must survive the writer: encodePickle() gives a
// pickle that decodes to an equal value (Value::operator==) with the same repr(), re-encoding
// that value gives the same bytes again, and appendPickle() writes those bytes after what a
// buffer already holds.

#include "FuzzCheck.h"
#include "wire/PickleReader.h"
#include "wire/PickleWriter.h"
#include "wire/Value.h"

#include <cstdint>

using namespace pipescope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const Result<Value> decoded =
        decodePickle(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    if (!decoded) {
        const Error& error = decoded.error();
        FUZZ_CHECK(error.kind() == ErrorKind::Unpickling || error.kind() == ErrorKind::Eof);
        FUZZ_CHECK(!error.toString().isEmpty());
        return 0;
    }
    const Value& value = *decoded;
    const QString repr = value.repr();
    FUZZ_CHECK(!repr.isEmpty());

    const QByteArray pickled = encodePickle(value);
    const Result<Value> again = decodePickle(pickled);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == value);
    FUZZ_CHECK(again->repr() == repr);
    FUZZ_CHECK(encodePickle(*again) == pickled);

    QByteArray buffer("prefix");
    appendPickle(buffer, value);
    FUZZ_CHECK(buffer.startsWith("prefix") && buffer.mid(6) == pickled);
    return 0;
}
