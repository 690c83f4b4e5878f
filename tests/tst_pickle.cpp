#include "wire/PickleReader.h"
#include "wire/PickleWriter.h"
#include "wire/Value.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>
#include <limits>

using namespace pipescope;

Q_DECLARE_METATYPE(pipescope::Value)
Q_DECLARE_METATYPE(pipescope::ErrorKind)

namespace {

// One case of tests/data/pickle_golden.json (see make_pickle_golden.py).
struct GoldenCase
{
    QString name;
    QString repr;
    QString reprSha256;
    QString error;
    int canonical = 0; // 0: no canonical encoding (an error or refused case)
    QMap<int, QByteArray> pickles;
    QMap<int, QString> refused;
    QMap<int, int> refusedOffset;
};

QByteArray decodeData(const QJsonObject& entry)
{
    if (entry.contains(QLatin1String("hex")))
        return QByteArray::fromHex(entry.value(QLatin1String("hex")).toString().toLatin1());
    return qUncompress(
        QByteArray::fromBase64(entry.value(QLatin1String("zlib")).toString().toLatin1()));
}

const QList<GoldenCase>& golden()
{
    static const QList<GoldenCase> cases = [] {
        QList<GoldenCase> out;
        QFile file(QStringLiteral(PIPESCOPE_TEST_DATA_DIR "/pickle_golden.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot open %s", qPrintable(file.fileName()));
        const QJsonArray array = QJsonDocument::fromJson(file.readAll())
                                     .object()
                                     .value(QLatin1String("cases"))
                                     .toArray();
        for (const QJsonValue& item : array) {
            const QJsonObject o = item.toObject();
            GoldenCase c;
            c.name = o.value(QLatin1String("name")).toString();
            c.repr = o.value(QLatin1String("repr")).toString();
            c.reprSha256 = o.value(QLatin1String("repr_sha256")).toString();
            c.error = o.value(QLatin1String("error")).toString();
            c.canonical = o.value(QLatin1String("canonical")).toInt();
            for (const QJsonValue& p : o.value(QLatin1String("pickles")).toArray()) {
                const QJsonObject entry = p.toObject();
                const int protocol = entry.value(QLatin1String("protocol")).toInt();
                if (entry.contains(QLatin1String("same_as"))) {
                    QByteArray data =
                        c.pickles.value(entry.value(QLatin1String("same_as")).toInt());
                    data[1] = static_cast<char>(protocol);
                    c.pickles.insert(protocol, data);
                } else {
                    c.pickles.insert(protocol, decodeData(entry));
                }
                if (entry.contains(QLatin1String("refused"))) {
                    c.refused.insert(protocol, entry.value(QLatin1String("refused")).toString());
                    c.refusedOffset.insert(protocol, entry.value(QLatin1String("offset")).toInt());
                }
            }
            out.append(c);
        }
        if (out.size() < 100)
            qFatal("pickle_golden.json has only %d cases", int(out.size()));
        return out;
    }();
    return cases;
}

const GoldenCase& goldenCase(const QString& name)
{
    for (const GoldenCase& c : golden()) {
        if (c.name == name)
            return c;
    }
    qFatal("no golden case %s", qPrintable(name));
}

// For failure messages: the error, or the repr of what decoded instead.
QByteArray describe(const Result<Value>& r)
{
    return (r.ok() ? QStringLiteral("decoded ") + r->repr() : r.error().toString()).toUtf8();
}

Value i(qint64 v)
{
    return Value::fromInt(v);
}

Value str(const char* utf8)
{
    return Value::fromStrUtf8(QByteArray(utf8));
}

QByteArray le64(quint64 v)
{
    QByteArray out(8, '\0');
    qToLittleEndian(v, out.data());
    return out;
}

// A pickle of nested single-item lists, depth levels deep: ]]]...aa. appends each to the one below.
QByteArray nestedLists(int depth)
{
    return QByteArray("\x80\x04") + QByteArray(depth, ']') + QByteArray(depth - 1, 'a') + '.';
}

// A byte string literal that may hold NULs.
template <qsizetype N> QByteArray raw(const char (&bytes)[N])
{
    return QByteArray(bytes, N - 1);
}

} // namespace

class TestPickle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void golden_data();
    void golden();
    void encode_data();
    void encode();
    void encodeSharing();
    void appendToBuffer();
    void roundTrip_data();
    void roundTrip();
    void valid_data();
    void valid();
    void malformed_data();
    void malformed();
    void refusedOpcodes_data();
    void refusedOpcodes();
    void refusedBuiltins_data();
    void refusedBuiltins();
    void osSystem();
    void truncated_data();
    void truncated();
    void limits();
    void exponentialExpansion();
    void mutations();
    void linearWork_data();
    void linearWork();
};

void TestPickle::golden_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("protocol");
    const QList<GoldenCase>& cases = ::golden();
    for (int k = 0; k < cases.size(); ++k) {
        for (auto it = cases[k].pickles.cbegin(); it != cases[k].pickles.cend(); ++it) {
            QTest::addRow("%s p%d", qPrintable(cases[k].name), it.key()) << k << it.key();
        }
    }
}

void TestPickle::golden()
{
    QFETCH(int, index);
    QFETCH(int, protocol);
    const GoldenCase& c = ::golden().at(index);
    const QByteArray pickle = c.pickles.value(protocol);
    const Result<Value> value = decodePickle(pickle);

    if (c.refused.contains(protocol)) {
        QVERIFY(!value.ok());
        QCOMPARE(value.error().kind(), ErrorKind::Unpickling);
        const QString expected =
            QStringLiteral("refused opcode %1 (").arg(c.refused.value(protocol));
        QVERIFY2(value.error().message().startsWith(expected), describe(value).constData());
        const QString where = QStringLiteral(") at offset %1: PipeScope never imports or calls "
                                             "anything")
                                  .arg(c.refusedOffset.value(protocol));
        QVERIFY2(value.error().message().endsWith(where), describe(value).constData());
        return;
    }
    if (!c.error.isEmpty()) {
        QVERIFY(!value.ok());
        QCOMPARE(value.error().kind(), ErrorKind::Unpickling);
        QVERIFY2(value.error().message().contains(c.error), describe(value).constData());
        return;
    }
    QVERIFY2(value.ok(), describe(value).constData());
    const QString repr = value->repr();
    if (c.reprSha256.isEmpty()) {
        QCOMPARE(repr, c.repr);
    } else {
        QCOMPARE(QCryptographicHash::hash(repr.toUtf8(), QCryptographicHash::Sha256).toHex(),
                 c.reprSha256.toLatin1());
    }
    // Whatever protocol it came in, the value goes out as CPython's protocol 4 (5 with a
    // bytearray) would write the original object.
    QVERIFY(c.canonical == 4 || c.canonical == 5);
    const QByteArray encoded = encodePickle(*value);
    const QByteArray expected = c.pickles.value(c.canonical);
    if (encoded != expected) {
        qWarning("ours:    %s", encoded.left(200).toHex(' ').constData());
        qWarning("CPython: %s", expected.left(200).toHex(' ').constData());
    }
    QCOMPARE(encoded.size(), expected.size());
    QVERIFY(encoded == expected);
}

void TestPickle::encode_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QByteArray>("hex");

    QTest::newRow("send(1)") << i(1) << QByteArray("80044b012e");
    QTest::newRow("0.5") << Value::fromFloat(0.5)
                         << QByteArray("8004950a00000000000000473fe00000000000002e");
    QTest::newRow("None") << Value::none() << QByteArray("80044e2e");
    QTest::newRow("True") << Value::fromBool(true) << QByteArray("8004882e");
    QTest::newRow("False") << Value::fromBool(false) << QByteArray("8004892e");
    QTest::newRow("-1") << i(-1) << QByteArray("80049506000000000000004affffffff2e");
    QTest::newRow("256") << i(256) << QByteArray("80049504000000000000004d00012e");
    QTest::newRow("2**31") << i(qint64(1) << 31)
                           << QByteArray("80049508000000000000008a0500000080002e");
    QTest::newRow("-2**63") << i(std::numeric_limits<qint64>::min())
                            << QByteArray("8004950b000000000000008a0800000000000000802e");
    QTest::newRow("'hello'") << str("hello")
                             << QByteArray("80049509000000000000008c0568656c6c6f942e");
    QTest::newRow("bytearray(b'x')")
        << Value::fromByteArray("x")
        << QByteArray("8005950c0000000000000096010000000000000078942e");
    QTest::newRow("(1,)") << Value::tuple({i(1)}) << QByteArray("80049505000000000000004b0185942e");
    QTest::newRow("()") << Value::tuple({}) << QByteArray("8004292e");
    QTest::newRow("[]") << Value::list({}) << QByteArray("80045d942e");
    QTest::newRow("{}") << Value::dict({}) << QByteArray("80047d942e");
    QTest::newRow("set()") << Value::set({}) << QByteArray("80048f942e");
}

void TestPickle::encode()
{
    QFETCH(Value, value);
    QFETCH(QByteArray, hex);
    QCOMPARE(encodePickle(value).toHex(), hex);
}

void TestPickle::encodeSharing()
{
    // Copies share storage, and the writer treats them as one object, as CPython does.
    const Value a = Value::list({i(1), i(2)});
    const Value shared = Value::list({a, a, Value::tuple({a})});
    QCOMPARE(encodePickle(shared), goldenCase(QStringLiteral("list shared")).pickles.value(4));

    // Equal but separately built values are separate objects.
    const Value b = Value::list({i(1), i(2)});
    const Value separate = Value::list({a, b});
    const Result<Value> back = decodePickle(encodePickle(separate));
    QVERIFY(back.ok());
    QCOMPARE(*back, separate);
    QVERIFY(encodePickle(separate) != encodePickle(Value::list({a, a})));

    // A dict of 1000 items ends with CPython's empty MARK SETITEMS batch.
    QList<std::pair<Value, Value>> items;
    for (int k = 0; k < 1000; ++k)
        items.append({i(k), i(k)});
    QCOMPARE(encodePickle(Value::dict(items)),
             goldenCase(QStringLiteral("dict 1000")).pickles.value(4));
}

void TestPickle::appendToBuffer()
{
    QByteArray buffer("prefix");
    appendPickle(buffer, i(1));
    appendPickle(buffer, Value::fromFloat(0.5));
    QCOMPARE(buffer.left(6), QByteArray("prefix"));
    QCOMPARE(buffer.mid(6, 5).toHex(), QByteArray("80044b012e"));
    QCOMPARE(buffer.mid(11), encodePickle(Value::fromFloat(0.5)));

    // Frames are placed relative to where the pickle starts, including the 64 KiB split.
    QList<Value> items;
    for (int k = 0; k < 40000; ++k)
        items.append(i(k % 1000));
    QByteArray second("xyz");
    appendPickle(second, Value::list(items));
    QCOMPARE(second.left(3), QByteArray("xyz"));
    QVERIFY(second.mid(3) == goldenCase(QStringLiteral("list frames")).pickles.value(4));
}

void TestPickle::roundTrip_data()
{
    QTest::addColumn<Value>("value");

    QList<Value> many;
    for (int k = 0; k < 5000; ++k)
        many.append(k % 3 ? i(k * 7919) : Value::fromFloat(k / 7.0));
    QList<std::pair<Value, Value>> pairs;
    for (int k = 0; k < 2500; ++k)
        pairs.append({Value::fromStr(QString::number(k)), Value::tuple({i(k), Value::none()})});
    QList<Value> members;
    for (int k = 0; k < 3000; ++k)
        members.append(i(k - 1500));
    Value deep = Value::list({});
    for (int k = 1; k < 100; ++k)
        deep = Value::list({deep});

    QTest::newRow("None") << Value::none();
    QTest::newRow("bools") << Value::tuple({Value::fromBool(true), Value::fromBool(false)});
    QTest::newRow("int edges") << Value::list(
        {i(0), i(255), i(256), i(65535), i(65536), i(-1), i(-256), i(0x7fffffff), i(-0x80000000LL),
         i(0x80000000LL), i(-0x80000001LL), i(std::numeric_limits<qint64>::max()),
         i(std::numeric_limits<qint64>::min()), i(-(qint64(1) << 39)), i(-(qint64(1) << 32))});
    QTest::newRow("floats") << Value::list(
        {Value::fromFloat(0.0), Value::fromFloat(-0.0), Value::fromFloat(1e300),
         Value::fromFloat(std::numeric_limits<double>::quiet_NaN()),
         Value::fromFloat(-std::numeric_limits<double>::infinity()),
         Value::fromFloat(std::numeric_limits<double>::denorm_min())});
    QTest::newRow("strings") << Value::list({str(""), str("x"), Value::fromStr(QString(300, u'y')),
                                             str("\xed\xa0\x80"), str("\xf0\x9f\x98\x80")});
    QTest::newRow("big str") << Value::fromStr(QString(100000, u'\u00e9'));
    QTest::newRow("big bytes") << Value::fromBytes(QByteArray(200000, 'b'));
    QTest::newRow("big bytearray") << Value::fromByteArray(QByteArray(70000, 'c'));
    QTest::newRow("bytearrays") << Value::list(
        {Value::fromByteArray({}), Value::fromByteArray("a"), Value::fromBytes("a")});
    QTest::newRow("many") << Value::list(many);
    QTest::newRow("dict") << Value::dict(pairs);
    QTest::newRow("set") << Value::set(members);
    QTest::newRow("frozenset") << Value::frozenset(members);
    QTest::newRow("tuple 4") << Value::tuple({i(1), i(2), i(3), i(4)});
    QTest::newRow("deep 100") << deep;
    QTest::newRow("mixed") << Value::dict(
        {{str("k"), Value::set({Value::frozenset({i(1)}), Value::tuple({})})},
         {Value::tuple({i(1), str("a")}), Value::list({Value::dict({})})},
         {Value::fromBytes("b"), Value::fromByteArray("ba")}});
}

void TestPickle::roundTrip()
{
    QFETCH(Value, value);
    const QByteArray pickle = encodePickle(value);
    const Result<Value> back = decodePickle(pickle);
    QVERIFY2(back.ok(), describe(back).constData());
    QCOMPARE(back->repr(), value.repr());
    QVERIFY(*back == value);
    QCOMPARE(encodePickle(*back), pickle);
}

void TestPickle::valid_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("repr");

    const auto row = [](const char* name, const QByteArray& pickle, const char* repr) {
        QTest::newRow(name) << pickle << QString::fromUtf8(repr);
    };
    row("trailing data ignored", QByteArray("K\x01.garbage"), "1");
    // Lone scalars take a fast path; these are its edges, with what CPython's pickle.loads gives
    // (the last two it leaves to the general reader).
    row("scalar float p4",
        raw("\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00G\x3f\xd0\x00\x00\x00\x00\x00\x00."),
        "0.25");
    row("scalar float p2", raw("\x80\x02G\xbf\xf0\x00\x00\x00\x00\x00\x00."), "-1.0");
    row("scalar None", raw("\x80\x05N."), "None");
    row("scalar True", raw("\x80\x04\x88."), "True");
    row("scalar False", raw("\x80\x04\x89."), "False");
    row("scalar K", raw("\x80\x04K\xff."), "255");
    row("scalar K of '.'", raw("\x80\x04K.."), "46");
    row("scalar M", raw("\x80\x04M\x00\x01."), "256");
    row("scalar J negative", raw("\x80\x04J\xff\xff\xff\xff."), "-1");
    row("scalar in a shorter frame", raw("\x80\x04\x95\x01\x00\x00\x00\x00\x00\x00\x00N."), "None");
    row("scalar then trailing data", raw("\x80\x04N.N."), "None");
    row("scalar memoized", raw("\x80\x04G\x40\x00\x00\x00\x00\x00\x00\x00\x94."), "2.0");
    row("protocol 1 list",
        raw("]q\x00(K\x01K\x02"
            "e."),
        "[1, 2]");
    row("LONG1 empty", raw("\x8a\x00."), "0");
    row("LONG1 nine byte -1", QByteArray("\x8a\x09") + QByteArray(9, '\xff') + '.', "-1");
    row("LONG1 nine byte max",
        QByteArray("\x8a\x09") + QByteArray(7, '\xff') + raw("\x7f\x00") + '.',
        "9223372036854775807");
    row("LONG1 three byte negative", raw("\x8a\x03\x00\x00\x80."), "-8388608");
    row("LONG4", raw("\x8b\x02\x00\x00\x00\xff\x7f."), "32767");
    // Beyond 64 bits (what CPython's pickle.loads gives for each).
    row("LONG1 -2**71", QByteArray("\x8a\x09") + QByteArray(8, '\0') + "\x80.",
        "-2361183241434822606848");
    row("LONG1 2**63", QByteArray("\x8a\x09") + QByteArray(7, '\0') + raw("\x80\x00") + '.',
        "9223372036854775808");
    row("LONG4 2**120", raw("\x8b\x10\x00\x00\x00") + QByteArray(15, '\0') + "\x01.",
        "1329227995784915872903807060280344576");
    row("LONG1 2**64 with sign extension",
        QByteArray("\x8a\x0c") + QByteArray(8, '\0') + raw("\x01\x00\x00\x00."),
        "18446744073709551616");
    row("LONG1 twelve byte -1", QByteArray("\x8a\x0c") + QByteArray(12, '\xff') + '.', "-1");
    // The allowed builtins, as CPython writes them (protocols 2 to 4) and by hand.
    row("bytearray GLOBAL",
        QByteArray("c__builtin__\nbytearray\n(C\x02"
                   "abtR."),
        "bytearray(b'ab')");
    row("bytearray memoized and reused",
        raw("\x80\x04(\x8c\x08"
            "builtins\x8c\x09"
            "bytearray\x93\x94"
            "C\x01x\x85Rh\x00)Rl."),
        "[bytearray(b'x'), bytearray(b'')]");
    row("complex of ints", QByteArray("cbuiltins\ncomplex\nK\x01\x89\x86R."), "(1+0j)");
    row("range of a big int",
        raw("cbuiltins\nrange\nK\x00\x8a\x09") + QByteArray(8, '\0') + "\x01K\x01\x87R.",
        "range(0, 18446744073709551616)");
    row("slice shares a list",
        raw("]\x94"
            "cbuiltins\nslice\nh\x00Nh\x00\x87R\x86."),
        "([], slice([], None, []))");
    row("complex key merges with float",
        raw("\x8f(G?\xf0\x00\x00\x00\x00\x00\x00"
            "cbuiltins\ncomplex\nK\x01K\x00\x86R\x90."),
        "{1.0}");
    row("BININT negative", QByteArray("J\xfe\xff\xff\xff."), "-2");
    row("POP takes a MARK", QByteArray("(0K\x01."), "1");
    row("POP",
        QByteArray("K\x01K\x02"
                   "0."),
        "1");
    row("POP_MARK",
        QByteArray("K\x01(K\x02K\x03"
                   "1."),
        "1");
    row("DUP", QByteArray("]2\x86."), "([], [])");
    row("list memoized before filled",
        raw("]\x94h\x00K\x01"
            "a\x86."),
        "([1], [1])");
    row("text PUT and GET", QByteArray("]p0\n0g0\n."), "[]");
    row("LONG_BINPUT sparse",
        QByteArray("K\x07r\xff\xff\xff\xff"
                   "0j\xff\xff\xff\xff."),
        "7");
    row("BINPUT overwrite",
        QByteArray("K\x01q\x05K\x02q\x05"
                   "00h\x05."),
        "2");
    row("MEMOIZE after sparse",
        QByteArray("K\x01q\x05K\x02\x94"
                   "00h\x01."),
        "2");
    row("dict merges equal keys", raw("}(K\x01K\x02\x88K\x03G?\xf0\x00\x00\x00\x00\x00\x00K\x04u."),
        "{1: 4}");
    row("dict tuple keys",
        raw("}(K\x01K\x02\x86K\x05K\x01G@\x00\x00\x00\x00\x00\x00\x00\x86K\x03u."), "{(1, 2): 3}");
    row("set merges", raw("\x8f(K\x01\x88G?\xf0\x00\x00\x00\x00\x00\x00K\x02\x90."), "{1, 2}");
    row("frozenset keys in any order", raw("}((K\x01K\x02\x91K\x01(K\x02K\x01\x91K\x02u."),
        "{frozenset({1, 2}): 2}");
    row("str and bytes differ",
        QByteArray("\x8f(\x8c\x01"
                   "aC\x01"
                   "a\x90."),
        "{'a', b'a'}");
    row("nan keys stay apart",
        raw("\x8f(G\x7f\xf8\x00\x00\x00\x00\x00\x00G\x7f\xf8\x00\x00\x00\x00\x00\x00\x90."),
        "{nan, nan}");
    row("DICT",
        QByteArray("(K\x01K\x02K\x01K\x03"
                   "d."),
        "{1: 3}");
    row("LIST", QByteArray("(K\x01K\x02l."), "[1, 2]");
    row("TUPLE", QByteArray("(K\x01K\x02K\x03K\x04t."), "(1, 2, 3, 4)");
    QByteArray keys("\x8f(");
    for (int k = 0; k < 100; ++k) {
        keys.append('K');
        keys.append(char(k % 50));
    }
    keys.append("\x90.");
    row("large key set", keys,
        "{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
        "24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, "
        "46, 47, 48, 49}");
}

void TestPickle::valid()
{
    QFETCH(QByteArray, pickle);
    QFETCH(QString, repr);
    const Result<Value> value = decodePickle(pickle);
    QVERIFY2(value.ok(), describe(value).constData());
    QCOMPARE(value->repr(), repr);
}

void TestPickle::malformed_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<QString>("message");

    const auto row = [](const char* name, const QByteArray& pickle, const char* message) {
        QTest::newRow(name) << pickle << ErrorKind::Unpickling << QString::fromUtf8(message);
    };
    QTest::newRow("empty") << QByteArray() << ErrorKind::Eof << QStringLiteral("Ran out of input");
    QTest::newRow("PROTO only") << QByteArray("\x80\x04") << ErrorKind::Eof
                                << QStringLiteral("Ran out of input");
    QTest::newRow("no STOP") << raw("\x80\x04K\x01") << ErrorKind::Eof
                             << QStringLiteral("Ran out of input");
    row("PROTO truncated", QByteArray("\x80"),
        "pickle data was truncated: PROTO at offset 0 needs 1 more bytes, 0 remain");
    row("BININT truncated", QByteArray("\x80\x04J\x01\x02"), "pickle data was truncated: BININT");
    row("unknown opcode", QByteArray("\x80\x04\xff."), "invalid load key, '\\xff' at offset 2");
    row("unknown opcode NUL", raw("\x00"), "invalid load key, '\\x00' at offset 0");
    row("protocol 6", QByteArray("\x80\x06K\x01."), "unsupported pickle protocol: 6");
    row("frame longer than the pickle",
        raw("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00G\x3f\xd0\x00\x00\x00\x00\x00\x00."),
        "pickle data was truncated");
    row("float truncated", raw("\x80\x04G\x3f\xd0."), "pickle data was truncated: BINFLOAT");
    row("INT", QByteArray("I1\n."), "unsupported opcode INT ('I') at offset 0");
    row("STRING", QByteArray("S'a'\n."), "unsupported opcode STRING ('S') at offset 0");
    row("SHORT_BINSTRING",
        QByteArray("U\x01"
                   "a."),
        "unsupported opcode SHORT_BINSTRING");
    row("APPEND underflow", QByteArray("a"), "unpickling stack underflow (APPEND at offset 0)");
    row("APPENDS underflow",
        QByteArray("(K\x01"
                   "e."),
        "unpickling stack underflow (APPENDS");
    row("underflow at MARK", QByteArray("](a."), "unexpected MARK found (APPEND at offset 2)");
    row("TUPLE without MARK", QByteArray("K\x01K\x02t."),
        "could not find MARK (TUPLE at offset 4)");
    row("POP_MARK without MARK", QByteArray("1."), "could not find MARK");
    row("POP underflow", QByteArray("0."), "unpickling stack underflow (POP at offset 0)");
    row("DUP underflow", QByteArray("2."), "unpickling stack underflow (DUP");
    row("TUPLE3 underflow", QByteArray("K\x01K\x02\x87."), "unpickling stack underflow (TUPLE3");
    row("STOP empty", QByteArray("."), "unpickling stack underflow (STOP at offset 0)");
    row("STOP two values", QByteArray("K\x01K\x02."), "STOP at offset 4 found 2 values");
    row("STOP open MARK", QByteArray("(K\x01."), "STOP at offset 3 with a MARK still open");
    row("APPEND to int",
        QByteArray("K\x01K\x02"
                   "a."),
        "APPEND at offset 4 needs a list below its "
        "items, found int");
    row("SETITEM underflow", QByteArray("}K\x01s."), "unpickling stack underflow (SETITEM");
    row("SETITEMS odd", QByteArray("}(K\x01u."), "odd number of items for SETITEMS at offset 4");
    row("DICT odd",
        QByteArray("(K\x01"
                   "d."),
        "odd number of items for DICT");
    row("ADDITEMS to list", QByteArray("](K\x01\x90."), "ADDITEMS at offset 4 needs a set");
    row("invalid UTF-8", QByteArray("\x8c\x02\xff\xfe."),
        "invalid UTF-8 in a str (SHORT_BINUNICODE at offset 0)");
    row("overlong UTF-8", raw("X\x02\x00\x00\x00\xc0\xaf."), "invalid UTF-8");
    row("memo missing", QByteArray("h\x05."), "Memo value not found at index 5 (BINGET");
    row("memo missing text", QByteArray("g7\n."), "Memo value not found at index 7 (GET");
    row("PUT without newline",
        QByteArray("N"
                   "p12"),
        "pickle data was truncated: PUT");
    row("PUT bad key", QByteArray("Npx\n."), "invalid memo key (PUT");
    row("BINPUT empty stack", raw("q\x00."), "unpickling stack underflow (BINPUT");
    row("LONG4 negative count", QByteArray("\x8b\xff\xff\xff\xff."),
        "LONG pickle has negative byte count");
    row("LONG4 huge count",
        QByteArray("\x8b\xff\xff\xff\x7f"
                   "abc."),
        "pickle data was truncated: LONG4 at offset 0 needs 2147483647 more bytes, 4 remain");
    row("BINUNICODE8 2**62", QByteArray("\x80\x04\x8d") + le64(quint64(1) << 62) + "abc.",
        "pickle data was truncated: BINUNICODE8 at offset 2 needs 4611686018427387904 more bytes, "
        "4 remain");
    row("BINUNICODE8 2**64-1", QByteArray("\x8d") + le64(~quint64(0)) + "abc.",
        "needs 18446744073709551615 more bytes");
    row("BINBYTES8 huge", QByteArray("\x8e") + le64(quint64(1) << 40) + "abc.",
        "truncated: BINBYTES8");
    row("BYTEARRAY8 huge", QByteArray("\x96") + le64(quint64(1) << 50) + "abc.",
        "truncated: BYTEARRAY8");
    row("BINUNICODE huge",
        QByteArray("X\xff\xff\xff\xff"
                   "abc."),
        "truncated: BINUNICODE");
    row("BINBYTES huge",
        QByteArray("B\xff\xff\xff\xff"
                   "abc."),
        "truncated: BINBYTES");
    row("SHORT_BINBYTES short",
        QByteArray("C\xff"
                   "abc."),
        "truncated: SHORT_BINBYTES");
    row("FRAME huge", QByteArray("\x80\x04\x95") + le64(~quint64(0)) + "K\x01.",
        "truncated: FRAME at offset 2");
    row("FRAME past end", raw("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00K\x01."),
        "needs 16 more bytes, 3 remain");
    row("recursive list",
        raw("\x80\x04]\x94h\x00"
            "a."),
        "the list at STOP (offset 7) "
        "contains itself");
    row("recursive dict", raw("}\x94K\x01h\x00s."), "contains itself");
    row("mutual recursion",
        raw("]\x94]\x94h\x00"
            "a0h\x01"
            "a."),
        "contains itself");
    row("unhashable key", QByteArray("}]K\x01s."), "unhashable type: 'list' (SETITEM at offset 4)");
    row("unhashable dict key",
        QByteArray("(}K\x01"
                   "d."),
        "unhashable type: 'dict' (DICT");
    row("unhashable set item", QByteArray("\x8f(]\x90."), "unhashable type: 'list' (ADDITEMS");
    row("unhashable bytearray", raw("\x8f(\x96\x00\x00\x00\x00\x00\x00\x00\x00\x90."),
        "unhashable type: 'bytearray'");
    row("unhashable tuple", QByteArray("((]\x85\x91."), "unhashable type: 'tuple' (FROZENSET");
    row("self in set", raw("\x8f\x94(h\x00\x90."), "unhashable type: 'set'");
}

void TestPickle::malformed()
{
    QFETCH(QByteArray, pickle);
    QFETCH(ErrorKind, kind);
    QFETCH(QString, message);
    const Result<Value> value = decodePickle(pickle);
    QVERIFY2(!value.ok(), describe(value).constData());
    QCOMPARE(value.error().kind(), kind);
    if (kind == ErrorKind::Eof)
        QCOMPARE(value.error().message(), message);
    else
        QVERIFY2(value.error().message().contains(message), describe(value).constData());
}

void TestPickle::refusedOpcodes_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("message");

    const auto row = [](const char* name, char op, const char* shown) {
        QByteArray p("\x80\x04");
        p += op;
        p += "os\nsystem\n.";
        QTest::newRow(name) << p
                            << QStringLiteral("refused opcode %1 (%2) at offset 2: PipeScope never "
                                              "imports or calls anything")
                                   .arg(QLatin1String(name), QLatin1String(shown));
    };
    row("GLOBAL", 'c', "'c'");
    row("STACK_GLOBAL", '\x93', "'\\x93'");
    row("REDUCE", 'R', "'R'");
    row("BUILD", 'b', "'b'");
    row("INST", 'i', "'i'");
    row("OBJ", 'o', "'o'");
    row("NEWOBJ", '\x81', "'\\x81'");
    row("NEWOBJ_EX", '\x92', "'\\x92'");
    row("PERSID", 'P', "'P'");
    row("BINPERSID", 'Q', "'Q'");
    row("EXT1", '\x82', "'\\x82'");
    row("EXT2", '\x83', "'\\x83'");
    row("EXT4", '\x84', "'\\x84'");
    row("NEXT_BUFFER", '\x97', "'\\x97'");
    row("READONLY_BUFFER", '\x98', "'\\x98'");
}

void TestPickle::refusedOpcodes()
{
    QFETCH(QByteArray, pickle);
    QFETCH(QString, message);
    const Result<Value> value = decodePickle(pickle);
    QVERIFY(!value.ok());
    QCOMPARE(value.error().kind(), ErrorKind::Unpickling);
    QCOMPARE(value.error().message(), message);
}

void TestPickle::refusedBuiltins_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("message");
    const auto row = [](const char* name, const QByteArray& pickle, const QString& message) {
        QTest::newRow(name) << pickle << message;
    };
    const auto refused = [](const char* opcode, int offset) {
        return QStringLiteral("refused opcode %1 at offset %2: PipeScope never imports or calls "
                              "anything")
            .arg(QLatin1String(opcode))
            .arg(offset);
    };
    const QByteArray stackGlobal("\x80\x04\x8c\x08"
                                 "builtins\x8c\x09"
                                 "bytearray\x93");
    row("builtins.eval",
        QByteArray("\x80\x04\x8c\x08"
                   "builtins\x8c\x04"
                   "eval\x93)R."),
        refused("STACK_GLOBAL ('\\x93')", 18));
    row("GLOBAL builtins.eval", QByteArray("cbuiltins\neval\n(S'1'\ntR."),
        refused("GLOBAL ('c')", 0));
    row("GLOBAL os.system", QByteArray("cos\nsystem\n)R."), refused("GLOBAL ('c')", 0));
    row("_codecs.encode", QByteArray("c_codecs\nencode\n."), refused("GLOBAL ('c')", 0));
    row("getattr", QByteArray("cbuiltins\ngetattr\n."), refused("GLOBAL ('c')", 0));
    row("module with a suffix", QByteArray("cbuiltins.x\nrange\n."), refused("GLOBAL ('c')", 0));
    row("__builtin__ only in GLOBAL", QByteArray("\x80\x04\x8c\x0b__builtin__\x8c\x05range\x93."),
        refused("STACK_GLOBAL ('\\x93')", 22));
    row("STACK_GLOBAL of bytes",
        QByteArray("\x80\x04"
                   "C\x08"
                   "builtinsC\x09"
                   "bytearray\x93)R."),
        refused("STACK_GLOBAL ('\\x93')", 23));
    row("REDUCE of a str", QByteArray("\x80\x04\x8c\x01x)R."), refused("REDUCE ('R')", 6));
    row("REDUCE of a list", QByteArray("\x80\x04])R."), refused("REDUCE ('R')", 4));
    // The offending opcode is the last before STOP (or STOP itself): its offset follows.
    const auto computed = [](const char* name, const QByteArray& pickle, const auto& message) {
        QTest::newRow(name) << pickle << message(pickle);
    };
    const auto misuse = [](const char* opcode) {
        return [opcode](const QByteArray& pickle) {
            const bool stop = qstrcmp(opcode, "STOP") == 0;
            return QStringLiteral("refused use of builtins.bytearray other than calling it with "
                                  "REDUCE (%1 at offset %2)")
                .arg(QLatin1String(opcode))
                .arg(pickle.size() - (stop ? 1 : 2));
        };
    };
    computed("bytearray not called", stackGlobal + '.', misuse("STOP"));
    computed("bytearray in a list",
             stackGlobal + raw("\x94](h\x00"
                               "e."),
             misuse("APPENDS"));
    computed("bytearray appended", QByteArray("\x80\x04]") + stackGlobal.mid(2) + "a.",
             misuse("APPEND"));
    computed("bytearray as an argument", stackGlobal + stackGlobal.mid(2) + "\x85.",
             misuse("TUPLE1"));
    computed("bytearray as a dict key", QByteArray("\x80\x04}") + stackGlobal.mid(2) + "Ns.",
             misuse("SETITEM"));
    computed("bytearray from the memo",
             stackGlobal + raw("\x94"
                               "0h\x00."),
             misuse("STOP"));
    const auto badArguments = [](const char* builtin) {
        return [builtin](const QByteArray& pickle) {
            return QStringLiteral("refused call of builtins.%1 with arguments other than CPython "
                                  "pickles it with (REDUCE at offset %2)")
                .arg(QLatin1String(builtin))
                .arg(pickle.size() - 2);
        };
    };
    computed("bytearray of a str", stackGlobal + "\x8c\x01x\x85R.", badArguments("bytearray"));
    computed("bytearray of a list", stackGlobal + "]R.", badArguments("bytearray"));
    computed("bytearray of two", stackGlobal + "C\x01xC\x01y\x86R.", badArguments("bytearray"));
    computed("complex of a str",
             raw("cbuiltins\ncomplex\nX\x03\x00\x00\x00"
                 "1+2\x85R."),
             badArguments("complex"));
    computed("complex of one", QByteArray("cbuiltins\ncomplex\nK\x01\x85R."),
             badArguments("complex"));
    computed("range of floats",
             raw("cbuiltins\nrange\nK\x00G?\xf0\x00\x00\x00\x00\x00\x00K\x01\x87R."),
             badArguments("range"));
    computed("range step 0", raw("cbuiltins\nrange\nK\x00K\x05K\x00\x87R."), badArguments("range"));
    computed("range of two", raw("cbuiltins\nrange\nK\x00K\x05\x86R."), badArguments("range"));
    computed("slice of two", QByteArray("cbuiltins\nslice\nNN\x86R."), badArguments("slice"));
}

void TestPickle::refusedBuiltins()
{
    // Only bytearray, complex, range and slice, named and then called once by REDUCE with the
    // arguments CPython pickles them with: every other global, and any other use of these,
    // stays refused. Nothing is imported or called either way.
    QFETCH(QByteArray, pickle);
    QFETCH(QString, message);
    const Result<Value> value = decodePickle(pickle);
    QVERIFY2(!value.ok(), describe(value).constData());
    QCOMPARE(value.error().kind(), ErrorKind::Unpickling);
    QCOMPARE(value.error().message(), message);
}

void TestPickle::osSystem()
{
    // Protocol 0, as an attacker would write it by hand.
    const Result<Value> text = decodePickle(QByteArray("cos\nsystem\n(S'echo hi'\ntR."));
    QVERIFY(!text.ok());
    QCOMPARE(text.error().kind(), ErrorKind::Unpickling);
    QCOMPARE(text.error().message(),
             QStringLiteral("refused opcode GLOBAL ('c') at offset 0: PipeScope never imports or "
                            "calls anything"));
    QCOMPARE(text.error().toString(),
             QStringLiteral("UnpicklingError: refused opcode GLOBAL ('c') at offset 0: PipeScope "
                            "never imports or calls anything"));

    // Protocol 4, as pickle.dumps writes an object whose __reduce__ returns os.system.
    const QByteArray p4 = goldenCase(QStringLiteral("os.system")).pickles.value(4);
    QVERIFY(p4.contains("system"));
    const Result<Value> binary = decodePickle(p4);
    QVERIFY(!binary.ok());
    QVERIFY2(binary.error().message().startsWith(
                 QStringLiteral("refused opcode STACK_GLOBAL ('\\x93') at offset ")),
             describe(binary).constData());
}

void TestPickle::truncated_data()
{
    QTest::addColumn<QByteArray>("pickle");
    const char* names[] = {"float 0.5",         "int -2**63",       "str emoji",
                           "list mixed",        "dict keys",        "set mixed",
                           "tuple nested",      "list long binget", "dict records",
                           "bytearray in list", "list shared str",  "frozenset in set",
                           "dict 2000",         "list big bytes",   "doubling 10"};
    for (const char* name : names) {
        const GoldenCase& c = goldenCase(QLatin1String(name));
        const int protocol = c.canonical;
        QTest::addRow("%s p%d", name, protocol) << c.pickles.value(protocol);
        if (c.pickles.contains(2) && !c.refused.contains(2))
            QTest::addRow("%s p2", name) << c.pickles.value(2);
    }
}

void TestPickle::truncated()
{
    QFETCH(QByteArray, pickle);
    QVERIFY(decodePickle(pickle).ok());
    // Every prefix, or for big pickles both ends and a sample between.
    QList<qsizetype> lengths;
    for (qsizetype n = 0; n < pickle.size(); ++n) {
        if (pickle.size() <= 4096 || n < 256 || n >= pickle.size() - 256 || n % 509 == 0)
            lengths.append(n);
    }
    for (const qsizetype n : lengths) {
        // A copy of exactly n bytes, so that ASan catches any read past the end.
        const QByteArray prefix(pickle.constData(), n);
        const Result<Value> value = decodePickle(prefix);
        QVERIFY2(!value.ok(), qPrintable(QStringLiteral("prefix of %1 bytes decoded").arg(n)));
        QVERIFY(value.error().kind() == ErrorKind::Unpickling ||
                value.error().kind() == ErrorKind::Eof);
    }
}

void TestPickle::limits()
{
    QVERIFY(decodePickle(nestedLists(100)).ok());
    QCOMPARE(decodePickle(nestedLists(100))->repr(),
             QString(QString(100, u'[') + QString(100, u']')));
    const Result<Value> deep = decodePickle(nestedLists(101));
    QVERIFY(!deep.ok());
    QCOMPARE(deep.error().message(),
             QStringLiteral("pickle nests containers deeper than the limit of 100 levels"));

    // Far deeper than the C++ stack would allow if anything recursed without a bound.
    const Result<Value> veryDeep = decodePickle(nestedLists(200000));
    QVERIFY(!veryDeep.ok());
    QVERIFY(veryDeep.error().message().contains(QLatin1String("limit of 100 levels")));

    // Deep tuples fail as soon as they are built (they may become dict keys).
    QByteArray tuples("\x80\x04)");
    for (int k = 0; k < 100000; ++k)
        tuples += '\x85';
    tuples += '.';
    QVERIFY(decodePickle(tuples).error().message().contains(QLatin1String("limit of 100 levels")));

    // A shared subtree counts at every depth it appears: a = [[]]; (a, [a]) is 4 levels deep
    // although a is first met at depth 2.
    const QByteArray shared = raw("]]a\x94]h\x00"
                                  "a\x86.");
    QCOMPARE(decodePickle(shared)->repr(), QStringLiteral("([[]], [[[]]])"));
    PickleLimits four;
    four.maxDepth = 4;
    QVERIFY(decodePickle(shared, four).ok());
    PickleLimits three;
    three.maxDepth = 3;
    QVERIFY(!decodePickle(shared, three).ok());
    QVERIFY(decodePickle(nestedLists(3), three).ok());
    QVERIFY(!decodePickle(nestedLists(4), three).ok());

    PickleLimits few;
    few.maxValues = 4;
    QVERIFY(decodePickle(QByteArray("(K\x01K\x02K\x03l."), few).ok()); // 4 values
    const Result<Value> many = decodePickle(QByteArray("(K\x01K\x02K\x03K\x04l."), few);
    QVERIFY(!many.ok());
    QCOMPARE(many.error().message(),
             QStringLiteral("pickle expands to more than the limit of 4 values"));
}

void TestPickle::exponentialExpansion()
{
    // a = []; b = [a, a]; c = [b, b]; ... 60 levels: a few hundred bytes, 2**60 values.
    QByteArray p("\x80\x04]\x94"
                 "0");
    for (int k = 1; k <= 60; ++k) {
        p += "]\x94(h";
        p += char(k - 1);
        p += 'h';
        p += char(k - 1);
        p += "e0";
    }
    p += 'h';
    p += char(60);
    p += '.';
    QElapsedTimer timer;
    timer.start();
    const Result<Value> value = decodePickle(p);
    QVERIFY(!value.ok());
    QCOMPARE(value.error().message(),
             QStringLiteral("pickle expands to more than the limit of 1000000 values"));
    QVERIFY(timer.elapsed() < 2000);

    // Wide instead of deep: 2000 references to one list of 1000 items.
    QByteArray wide("\x80\x04(");
    for (int k = 0; k < 1000; ++k)
        wide += "K\x01";
    wide += "l\x94"
            "0](";
    for (int k = 0; k < 2000; ++k) {
        wide += 'h';
        wide += '\0';
    }
    wide += "e.";
    QVERIFY(!decodePickle(wide).ok());

    // Just under the limit decodes, sharing storage rather than copying.
    QByteArray fits("\x80\x04]\x94"
                    "0");
    for (int k = 1; k <= 18; ++k) { // 2**19 - 1 values
        fits += "]\x94(h";
        fits += char(k - 1);
        fits += 'h';
        fits += char(k - 1);
        fits += "e0";
    }
    fits += "h\x12.";
    const Result<Value> big = decodePickle(fits);
    QVERIFY2(big.ok(), describe(big).constData());
    QCOMPARE(big->at(0).items().constData(), big->at(1).items().constData());
    // And it pickles back compactly, through the memo.
    QVERIFY(encodePickle(*big).size() < 400);
}

void TestPickle::mutations()
{
    // Random damage to real pickles must give a value or an error, never a crash.
    QList<QByteArray> seeds;
    for (const GoldenCase& c : ::golden()) {
        for (const QByteArray& p : c.pickles) {
            if (p.size() < 2000)
                seeds.append(p);
        }
    }
    QRandomGenerator random(20240601);
    int decoded = 0;
    for (int round = 0; round < 30000; ++round) {
        QByteArray p = seeds.at(random.bounded(int(seeds.size())));
        const int edits = 1 + random.bounded(3);
        for (int e = 0; e < edits && !p.isEmpty(); ++e) {
            const int at = random.bounded(int(p.size()));
            switch (random.bounded(4)) {
            case 0:
                p[at] = char(random.bounded(256));
                break;
            case 1:
                p.remove(at, 1 + random.bounded(4));
                break;
            case 2:
                p.insert(at, char(random.bounded(256)));
                break;
            default:
                p[at] = char(p[at] ^ (1 << random.bounded(8)));
                break;
            }
        }
        const QByteArray exact(p.constData(), p.size());
        const Result<Value> value = decodePickle(exact);
        if (value.ok()) {
            ++decoded;
            (void)value->repr();
            (void)encodePickle(*value);
        } else {
            QVERIFY(!value.error().message().isEmpty());
        }
    }
    QVERIFY(decoded > 0);
}

namespace {

// What a peer might send that holds n elements, as CPython (or a hand-made pickle) writes it.
QByteArray workload(const QString& kind, int n)
{
    QList<Value> items;
    const auto ints = [&items, n] {
        for (int k = 0; k < n; ++k)
            items.append(i(k));
    };
    if (kind == QLatin1String("list of None")) {
        items.fill(Value(), n);
        return encodePickle(Value::list(items));
    }
    if (kind == QLatin1String("list of ints")) {
        ints();
        return encodePickle(Value::list(items));
    }
    if (kind == QLatin1String("tuple")) {
        ints();
        return encodePickle(Value::tuple(items));
    }
    if (kind == QLatin1String("set")) {
        ints();
        return encodePickle(Value::set(items));
    }
    if (kind == QLatin1String("frozenset")) {
        ints();
        return encodePickle(Value::frozenset(items));
    }
    if (kind == QLatin1String("dict")) {
        for (int k = 0; k < n; ++k)
            items << i(k) << Value();
        return encodePickle(Value::dictFromItems(items));
    }
    if (kind == QLatin1String("dict of str")) {
        for (int k = 0; k < n; ++k)
            items << Value::fromStrUtf8(QByteArray::number(k)) << i(k);
        return encodePickle(Value::dictFromItems(items));
    }
    if (kind == QLatin1String("nested")) {
        for (int k = 0; k < n; ++k)
            items.append(Value::list({i(k), Value::tuple({i(k), str("x")})}));
        return encodePickle(Value::list(items));
    }
    if (kind == QLatin1String("big ints")) {
        for (int k = 0; k < n; ++k)
            items.append(Value::fromIntBytes(QByteArray(20, '\x01').append(char(k & 0x3f))));
        return encodePickle(Value::list(items));
    }
    if (kind == QLatin1String("builtins")) {
        for (int k = 0; k < n; ++k) {
            items.append(k % 2 ? Value::complex(k, 1) : Value::range(i(0), i(k), i(1)));
        }
        return encodePickle(Value::list(items));
    }
    if (kind == QLatin1String("shared via memo")) {
        items.fill(Value::list({i(1)}), n);
        return encodePickle(Value::list(items));
    }
    // By hand: one APPEND, SETITEM or MARK per element, as protocols 0 and 1 write them.
    if (kind == QLatin1String("APPEND each"))
        return QByteArray("\x80\x02]") + QByteArray("Na").repeated(n) + '.';
    if (kind == QLatin1String("SETITEM each")) {
        QByteArray out("\x80\x02}");
        for (int k = 0; k < n; ++k)
            out += 'J' + le64(quint64(k)).left(4) + "Ns";
        return out + '.';
    }
    if (kind == QLatin1String("MARK each"))
        return QByteArray("\x80\x02") + QByteArray("(N").repeated(n) + '.';
    if (kind == QLatin1String("tuple in a MARK"))
        return QByteArray("\x80\x02(") + QByteArray("N").repeated(n) + "t.";
    qFatal("no workload %s", qPrintable(kind));
}

} // namespace

void TestPickle::linearWork_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("refusedGlobal");
    for (const char* kind : {"list of None", "list of ints", "tuple", "set", "frozenset", "dict",
                             "dict of str", "nested", "shared via memo", "big ints", "builtins",
                             "APPEND each", "SETITEM each", "MARK each", "tuple in a MARK"}) {
        QTest::addRow("%s", kind) << QString::fromLatin1(kind) << false;
        QTest::addRow("%s, then a refused global", kind) << QString::fromLatin1(kind) << true;
    }
}

// Decoding work grows linearly with the input: 4 times the elements cost at most about 4 times
// the steps (counted by the reader, not timed), whether the pickle decodes or is refused at its
// end. A quadratic reader lets any peer stall a receiver with a pickle of a megabyte.
void TestPickle::linearWork()
{
    QFETCH(QString, kind);
    QFETCH(bool, refusedGlobal);
    constexpr int N = 20'000;
    qint64 steps[2] = {};
    qsizetype sizes[2] = {};
    for (int k = 0; k < 2; ++k) {
        QByteArray pickle = workload(kind, k == 0 ? N : 4 * N);
        if (refusedGlobal) {
            pickle.chop(1); // STOP
            pickle += "\x8c\x02os\x8c\x06system\x93.";
        }
        sizes[k] = pickle.size();
        PickleWork work;
        const Result<Value> r = decodePickle(pickle, PickleLimits{}, &work);
        if (refusedGlobal) {
            QVERIFY2(!r.ok(), describe(r).constData());
            QVERIFY2(r.error().message().contains(QLatin1String("STACK_GLOBAL")),
                     describe(r).constData());
        } else {
            // STOP with MARKs open is an error; everything else decodes.
            QVERIFY2(r.ok() != (kind == QLatin1String("MARK each")), describe(r).constData());
        }
        steps[k] = work.steps;
        QVERIFY(work.steps >= N); // the counter counts
    }
    const double ratio = double(steps[1]) / double(steps[0]);
    qInfo("%s: %lld steps for %lld bytes, %lld for %lld bytes (x%.2f)", qPrintable(kind), steps[0],
          qint64(sizes[0]), steps[1], qint64(sizes[1]), ratio);
    QVERIFY2(ratio <= 4.5, qPrintable(QStringLiteral("work grew %1 times").arg(ratio)));
}

QTEST_APPLESS_MAIN(TestPickle)
#include "tst_pickle.moc"
