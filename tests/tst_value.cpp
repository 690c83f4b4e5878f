#include "wire/PyRepr.h"
#include "wire/Value.h"

#include <QTest>
#include <cmath>
#include <limits>

using namespace pipescope;

Q_DECLARE_METATYPE(pipescope::Value)

namespace {

Value str(const char* utf8)
{
    return Value::fromStrUtf8(QByteArray(utf8));
}

Value i(qint64 v)
{
    return Value::fromInt(v);
}

} // namespace

class TestValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reprFloat_data();
    void reprFloat();
    void reprStr_data();
    void reprStr();
    void reprBytes_data();
    void reprBytes();
    void repr_data();
    void repr();
    void boundedRepr_data();
    void boundedRepr();
    void boundedReprWhereAnItemStartsAtTheLimit();
    void boundedReprCutsBetweenEscapes();
    void bytesPreviewCutsBetweenEscapes();
    void utf8ReprCutsBetweenEscapes();
    void bigInts();
    void builtinKinds();
    void typeName_data();
    void typeName();
    void equality_data();
    void equality();
    void accessors();
    void pyUtf8_data();
    void pyUtf8();
    void qStringRoundTrip();
    void scalarsStayInline();
};

void TestValue::reprFloat_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char* text, double value) {
        QTest::newRow(text) << value << QString::fromLatin1(text);
    };
    row("0.7672216614763814", 0.7672216614763814);
    row("10.51892536850362", 10.51892536850362);
    row("0.0", 0.0);
    row("-0.0", -0.0);
    row("1.0", 1.0);
    row("-2.5", -2.5);
    row("0.1", 0.1);
    row("0.30000000000000004", 0.1 + 0.2);
    row("1e+16", 1e16);
    row("1000000000000000.0", 1e15);
    row("9999999999999998.0", 9999999999999998.0);
    row("1e-05", 1e-05);
    row("0.0001", 0.0001);
    row("0.00012345", 0.00012345);
    row("1.2345e-05", 1.2345e-05);
    row("1099511627776.0", 1099511627776.0); // 2**40
    row("1.5e+300", 1.5e300);
    row("-1.5e-300", -1.5e-300);
    row("5e-324", 5e-324);
    row("1.7976931348623157e+308", std::numeric_limits<double>::max());
    row("1.2345678901234567e+19", 12345678901234567890.0);
    row("123456789.123", 123456789.123);
    row("inf", std::numeric_limits<double>::infinity());
    row("-inf", -std::numeric_limits<double>::infinity());
    row("nan", std::numeric_limits<double>::quiet_NaN());
    QTest::newRow("-nan") << -std::numeric_limits<double>::quiet_NaN() << QStringLiteral("nan");
}

void TestValue::reprFloat()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(pipescope::reprFloat(value), expected);
    QCOMPARE(Value::fromFloat(value).repr(), expected);
}

void TestValue::reprStr_data()
{
    QTest::addColumn<QByteArray>("utf8");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char* name, const QByteArray& utf8, const char* expected) {
        QTest::newRow(name) << utf8 << QString::fromUtf8(expected);
    };
    row("empty", "", "''");
    row("plain", "text", "'text'");
    row("single quote", "it's", "\"it's\"");
    row("double quote", "say \"hi\"", "'say \"hi\"'");
    row("both quotes", "both ' and \"", "'both \\' and \"'");
    row("backslash", "a\\b", "'a\\\\b'");
    row("escapes", "tab\there\nnew\rline", "'tab\\there\\nnew\\rline'");
    row("controls", QByteArray("\x00\x01\x1f\x7f", 4), "'\\x00\\x01\\x1f\\x7f'");
    row("c1 controls", "\xc2\x80\xc2\x9f", "'\\x80\\x9f'");
    row("nbsp and soft hyphen", "\xc2\xa0\xc2\xad", "'\\xa0\\xad'");
    row("latin", "caf\xc3\xa9", "'caf\xc3\xa9'");
    row("cjk", "\xe6\x97\xa5\xe6\x9c\xac", "'\xe6\x97\xa5\xe6\x9c\xac'");
    row("emoji", "\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'");
    row("line separator", "\xe2\x80\xa8", "'\\u2028'");
    row("ideographic space", "\xe3\x80\x80", "'\\u3000'");
    row("zero width space", "\xe2\x80\x8b", "'\\u200b'");
    row("noncharacter", "\xef\xbf\xbf", "'\\uffff'");
    row("unassigned astral", "\xf3\xa0\x82\x80", "'\\U000e0080'");
    row("private use", "\xee\x80\x80", "'\\ue000'");
    row("lone surrogate", "\xed\xa0\x80x", "'\\ud800x'");
    row("surrogate pair as two", "\xed\xa0\xbd\xed\xb8\x80", "'\\ud83d\\ude00'");
}

void TestValue::reprStr()
{
    QFETCH(QByteArray, utf8);
    QFETCH(QString, expected);
    QVERIFY(isPyUtf8(utf8));
    QCOMPARE(reprStrUtf8(utf8), expected);
    QCOMPARE(Value::fromStrUtf8(utf8).repr(), expected);
    // The UTF-16 form gives the same repr, except that two lone surrogates pair up there.
    if (QTest::currentDataTag() != QByteArray("surrogate pair as two"))
        QCOMPARE(pipescope::reprStr(pyUtf8ToQString(utf8)), expected);
}

void TestValue::reprBytes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << QStringLiteral("b''");
    QTest::newRow("hello") << QByteArray("hello") << QStringLiteral("b'hello'");
    QTest::newRow("single quote") << QByteArray("it's") << QStringLiteral("b\"it's\"");
    QTest::newRow("both quotes") << QByteArray("'\"") << QStringLiteral("b'\\'\"'");
    QTest::newRow("escapes") << QByteArray("\\\t\n\r") << QStringLiteral("b'\\\\\\t\\n\\r'");
    QTest::newRow("binary") << QByteArray("\x00\x1f\x7f\x80\xff", 5)
                            << QStringLiteral("b'\\x00\\x1f\\x7f\\x80\\xff'");
    QTest::newRow("printable edges") << QByteArray(" ~") << QStringLiteral("b' ~'");
}

void TestValue::reprBytes()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QCOMPARE(pipescope::reprBytes(bytes), expected);
    QCOMPARE(Value::fromBytes(bytes).repr(), expected);
    QCOMPARE(Value::fromByteArray(bytes).repr(),
             QString(QStringLiteral("bytearray(") + expected + u')'));
}

void TestValue::repr_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char* expected, const Value& value) {
        QTest::newRow(expected) << value << QString::fromUtf8(expected);
    };
    row("None", Value::none());
    row("True", Value::fromBool(true));
    row("False", Value::fromBool(false));
    row("1", i(1));
    row("-9223372036854775808", i(std::numeric_limits<qint64>::min()));
    row("0.7672216614763814", Value::fromFloat(0.7672216614763814));
    row("'text'", str("text"));
    row("b'hello'", Value::fromBytes("hello"));
    row("bytearray(b'x')", Value::fromByteArray("x"));
    row("bytearray(b'')", Value::fromByteArray({}));
    row("[1, 2.25, None]", Value::list({i(1), Value::fromFloat(2.25), Value::none()}));
    row("[]", Value::list({}));
    row("(1,)", Value::tuple({i(1)}));
    row("()", Value::tuple({}));
    row("(1, 'a', (2, 3))", Value::tuple({i(1), str("a"), Value::tuple({i(2), i(3)})}));
    row("{'a': 1}", Value::dict({{str("a"), i(1)}}));
    row("{}", Value::dict({}));
    row("{1: [True], (2,): {'k': b''}}",
        Value::dict({{i(1), Value::list({Value::fromBool(true)})},
                     {Value::tuple({i(2)}), Value::dict({{str("k"), Value::fromBytes({})}})}}));
    row("{1, 2}", Value::set({i(1), i(2)}));
    row("set()", Value::set({}));
    row("frozenset({1})", Value::frozenset({i(1)}));
    row("frozenset()", Value::frozenset({}));
    row("{frozenset({'x'}), frozenset()}",
        Value::set({Value::frozenset({str("x")}), Value::frozenset({})}));
    row("[[], [[]], [{}]]", Value::list({Value::list({}), Value::list({Value::list({})}),
                                         Value::list({Value::dict({})})}));
}

void TestValue::repr()
{
    QFETCH(Value, value);
    QFETCH(QString, expected);
    QCOMPARE(value.repr(), expected);
}

void TestValue::boundedRepr_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<qsizetype>("maxLength");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("cut");

    const Value pair = Value::list({Value::fromInt(1), Value::fromInt(2)});
    QTest::newRow("fits") << pair << qsizetype(10) << "[1, 2]" << false;
    QTest::newRow("fits exactly") << pair << qsizetype(6) << "[1, 2]" << false;
    QTest::newRow("one over") << pair << qsizetype(5) << "[1, 2" << true;
    QTest::newRow("zero") << pair << qsizetype(0) << "" << true;
    QTest::newRow("10 MB bytes") << Value::fromBytes(QByteArray(10'000'000, 'a')) << qsizetype(12)
                                 << "b'aaaaaaaaaa" << true;
    QTest::newRow("10 MB bytearray") << Value::fromByteArray(QByteArray(10'000'000, '\0'))
                                     << qsizetype(20) << "bytearray(b'\\x00\\x00" << true;
    QList<Value> million;
    million.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i)
        million.append(Value::fromInt(i));
    QTest::newRow("1M-item list") << Value::list(million) << qsizetype(20) << "[0, 1, 2, 3, 4, 5, 6"
                                  << true;
    QTest::newRow("1M-item dict") << Value::dictFromItems(million) << qsizetype(16)
                                  << "{0: 1, 2: 3, 4: " << true;
    Value nested = Value::list({});
    for (int i = 0; i < 100'000; ++i)
        nested = Value::list({nested});
    QTest::newRow("deeply nested") << nested << qsizetype(5) << "[[[[[" << true;
    // Three bytes of UTF-8 make one character: the cut is in characters, not bytes.
    QTest::newRow("long str") << Value::fromStr(QString(5'000'000, QChar(0x20ac))) << qsizetype(5)
                              << QStringLiteral("'\u20ac\u20ac\u20ac\u20ac") << true;
    // A surrogate pair at the cut goes whole or not at all.
    QTest::newRow("pair at the cut")
        << Value::fromStr(QStringLiteral("ab\U0001F600")) << qsizetype(4) << "'ab" << true;
    // CPython would pick double quotes for the quote at the end; the preview never sees it.
    QTest::newRow("quote beyond the cut")
        << Value::fromBytes(QByteArray(1000, 'a') + '\'') << qsizetype(8) << "b'aaaaaa" << true;
    QTest::newRow("quote within") << Value::fromBytes("it's " + QByteArray(1000, 'a'))
                                  << qsizetype(8) << "b\"it's a" << true;
}

void TestValue::boundedRepr()
{
    QFETCH(Value, value);
    QFETCH(qsizetype, maxLength);
    QFETCH(QString, expected);
    QFETCH(bool, cut);
    bool wasCut = !cut;
    QCOMPARE(value.repr(maxLength, wasCut), expected);
    QCOMPARE(wasCut, cut);
}

void TestValue::boundedReprWhereAnItemStartsAtTheLimit()
{
    // An item's own prefix ("bytearray(", ", ", ": ") can carry the text past the limit before
    // its bytes are looked at: every start position around the limit, each kind of text.
    for (qsizetype pad = 240; pad <= 270; ++pad) {
        for (const Value& item :
             {Value::fromByteArray(QByteArray(500, 'x')), Value::fromBytes(QByteArray(500, 'y')),
              Value::fromStr(QString(500, u'z'))}) {
            const Value list = Value::list({Value::fromStr(QString(pad, u'a')), item});
            const Value dict = Value::dict({{Value::fromStr(QString(pad, u'a')), item}});
            for (const Value& value : {list, dict}) {
                bool cut = false;
                const QString shown = value.repr(256, cut);
                QVERIFY(cut);
                QCOMPARE(shown, value.repr().left(256));
            }
        }
    }
}

void TestValue::typeName_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QString>("expected");

    QTest::newRow("None") << Value::none() << QStringLiteral("NoneType");
    QTest::newRow("bool") << Value::fromBool(false) << QStringLiteral("bool");
    QTest::newRow("int") << i(3) << QStringLiteral("int");
    QTest::newRow("float") << Value::fromFloat(3) << QStringLiteral("float");
    QTest::newRow("str") << str("") << QStringLiteral("str");
    QTest::newRow("bytes") << Value::fromBytes({}) << QStringLiteral("bytes");
    QTest::newRow("bytearray") << Value::fromByteArray({}) << QStringLiteral("bytearray");
    QTest::newRow("tuple") << Value::tuple({}) << QStringLiteral("tuple");
    QTest::newRow("list") << Value::list({}) << QStringLiteral("list");
    QTest::newRow("dict") << Value::dict({}) << QStringLiteral("dict");
    QTest::newRow("set") << Value::set({}) << QStringLiteral("set");
    QTest::newRow("frozenset") << Value::frozenset({}) << QStringLiteral("frozenset");
}

void TestValue::typeName()
{
    QFETCH(Value, value);
    QFETCH(QString, expected);
    QCOMPARE(value.typeName(), expected);
}

void TestValue::equality_data()
{
    QTest::addColumn<Value>("a");
    QTest::addColumn<Value>("b");
    QTest::addColumn<bool>("equal");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("None") << Value::none() << Value() << true;
    QTest::newRow("int") << i(5) << i(5) << true;
    QTest::newRow("int differs") << i(5) << i(6) << false;
    QTest::newRow("int vs float") << i(1) << Value::fromFloat(1.0) << false;
    QTest::newRow("int vs bool") << i(1) << Value::fromBool(true) << false;
    QTest::newRow("float") << Value::fromFloat(0.1) << Value::fromFloat(0.1) << true;
    QTest::newRow("nan") << Value::fromFloat(nan) << Value::fromFloat(nan) << true;
    QTest::newRow("zero signs") << Value::fromFloat(0.0) << Value::fromFloat(-0.0) << false;
    QTest::newRow("str") << str("a") << Value::fromStr(u"a") << true;
    QTest::newRow("str vs bytes") << str("a") << Value::fromBytes("a") << false;
    QTest::newRow("bytes vs bytearray")
        << Value::fromBytes("a") << Value::fromByteArray("a") << false;
    QTest::newRow("list") << Value::list({i(1), str("x")}) << Value::list({i(1), str("x")}) << true;
    QTest::newRow("list order") << Value::list({i(1), i(2)}) << Value::list({i(2), i(1)}) << false;
    QTest::newRow("list vs tuple") << Value::list({i(1)}) << Value::tuple({i(1)}) << false;
    QTest::newRow("empty list vs dict") << Value::list({}) << Value::dict({}) << false;
    QTest::newRow("set order") << Value::set({i(1), i(2)}) << Value::set({i(2), i(1)}) << false;
    QTest::newRow("set vs frozenset") << Value::set({i(1)}) << Value::frozenset({i(1)}) << false;
    QTest::newRow("dict") << Value::dict({{str("a"), i(1)}}) << Value::dict({{str("a"), i(1)}})
                          << true;
    QTest::newRow("dict value") << Value::dict({{str("a"), i(1)}})
                                << Value::dict({{str("a"), i(2)}}) << false;
    QTest::newRow("nested") << Value::list({Value::tuple({Value::fromFloat(nan)})})
                            << Value::list({Value::tuple({Value::fromFloat(nan)})}) << true;
}

void TestValue::equality()
{
    QFETCH(Value, a);
    QFETCH(Value, b);
    QFETCH(bool, equal);
    QCOMPARE(a == b, equal);
    QCOMPARE(b == a, equal);
    QCOMPARE(a != b, !equal);
}

void TestValue::accessors()
{
    QCOMPARE(Value::fromBool(true).toBool(), true);
    QCOMPARE(i(-7).toInt(), qint64(-7));
    QCOMPARE(Value::fromFloat(2.5).toFloat(), 2.5);
    QCOMPARE(i(1).toFloat(), 0.0); // no conversions between types
    QCOMPARE(str("caf\xc3\xa9").str(), QStringLiteral("caf\u00e9"));
    QCOMPARE(str("caf\xc3\xa9").size(), qsizetype(4));
    QCOMPARE(str("caf\xc3\xa9").bytes().size(), qsizetype(5));
    QCOMPARE(Value::fromBytes("abc").size(), qsizetype(3));

    const Value d = Value::dict({{str("a"), i(1)}, {i(2), str("b")}});
    QCOMPARE(d.size(), qsizetype(2));
    QCOMPARE(d.dictKey(1), i(2));
    QCOMPARE(d.dictValue(1), str("b"));
    QVERIFY(d.dictGet(str("a")));
    QCOMPARE(*d.dictGet(str("a")), i(1));
    QVERIFY(!d.dictGet(str("zz")));
    QCOMPARE(Value::dictFromItems({str("a"), i(1), i(2), str("b")}), d);

    const Value l = Value::list({i(1), i(2), i(3)});
    QCOMPARE(l.size(), qsizetype(3));
    QCOMPARE(l.at(2), i(3));
    QCOMPARE(l.items().size(), qsizetype(3));
}

void TestValue::pyUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");

    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii long") << QByteArray("the quick brown fox jumps") << true;
    QTest::newRow("nul") << QByteArray("\x00", 1) << true;
    QTest::newRow("two byte") << QByteArray("\xc3\xa9") << true;
    QTest::newRow("three byte") << QByteArray("\xe6\x97\xa5") << true;
    QTest::newRow("four byte") << QByteArray("\xf0\x9f\x98\x80") << true;
    QTest::newRow("max") << QByteArray("\xf4\x8f\xbf\xbf") << true;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << true;
    QTest::newRow("beyond max") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("overlong 2") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong 3") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("overlong 4") << QByteArray("\xf0\x80\x80\xaf") << false;
    QTest::newRow("lone continuation") << QByteArray("a\x80") << false;
    QTest::newRow("truncated") << QByteArray("abcdefgh\xe6\x97") << false;
    QTest::newRow("bad continuation") << QByteArray("\xe6\x41\xa5") << false;
    QTest::newRow("ff") << QByteArray("\xff") << false;
}

void TestValue::pyUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isPyUtf8(bytes), valid);
    // Malformed input still converts and reprs without reading past the end.
    QVERIFY(!reprStrUtf8(bytes).isEmpty());
    (void)pyUtf8ToQString(bytes);
}

void TestValue::qStringRoundTrip()
{
    const QString text = QStringLiteral("a\u00e9\u65e5") + QChar(0xd83d) + QChar(0xde00) +
                         QChar(0xd800) + QStringLiteral("z") + QChar(0xdc00);
    const QByteArray utf8 = qStringToPyUtf8(text);
    QCOMPARE(utf8, QByteArray("a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xed\xa0\x80z\xed\xb0\x80"));
    QVERIFY(isPyUtf8(utf8));
    QCOMPARE(pyUtf8ToQString(utf8), text);
    QCOMPARE(Value::fromStr(text).str(), text);
    QCOMPARE(Value::fromStr(text).repr(),
             QString(QStringLiteral("'a\u00e9\u65e5") + QChar(0xd83d) + QChar(0xde00) +
                     QStringLiteral("\\ud800z\\udc00'")));
}

void TestValue::scalarsStayInline()
{
    // Scalars are the wire's common case: make sure they don't drag heap storage along.
    const Value v = Value::fromFloat(1.5);
    QVERIFY(v.bytes().isNull());
    QCOMPARE(v.items().capacity(), qsizetype(0));
}

namespace {

// A value whose repr is `before`, then `units` (each one character or one escape), then
// `after`: the positions at which a cut may fall are those between units.
struct Escaped
{
    Value value;
    QString before;
    QStringList units;
    QString after;
};

QList<Escaped> escapedValues()
{
    QList<Escaped> out;
    // Both quotes, so ' is escaped as in CPython's repr.
    const QByteArray bytesPattern("\xa8\\'\"\na\x01\t");
    const QStringList bytesUnits = {QStringLiteral("\\xa8"), QStringLiteral("\\\\"),
                                    QStringLiteral("\\'"),   QStringLiteral("\""),
                                    QStringLiteral("\\n"),   QStringLiteral("a"),
                                    QStringLiteral("\\x01"), QStringLiteral("\\t")};
    const QByteArray strPattern("\xc3\xa9\\'\"\n\x00\xc2\x85\xf0\x9f\x98\x80\xe2\x80\xa8z", 17);
    const QStringList strUnits = {QStringLiteral("\u00e9"),  QStringLiteral("\\\\"),
                                  QStringLiteral("\\'"),     QStringLiteral("\""),
                                  QStringLiteral("\\n"),     QStringLiteral("\\x00"),
                                  QStringLiteral("\\x85"),   QStringLiteral("\U0001F600"),
                                  QStringLiteral("\\u2028"), QStringLiteral("z")};
    QStringList manyBytesUnits;
    QStringList manyStrUnits;
    for (int k = 0; k < 40; ++k) {
        manyBytesUnits += bytesUnits;
        manyStrUnits += strUnits;
    }
    const Value bytes = Value::fromBytes(bytesPattern.repeated(40));
    const Value text = Value::fromStrUtf8(strPattern.repeated(40));
    out.append({bytes, QStringLiteral("b'"), manyBytesUnits, QStringLiteral("'")});
    out.append({Value::fromByteArray(bytesPattern.repeated(40)), QStringLiteral("bytearray(b'"),
                manyBytesUnits, QStringLiteral("')")});
    out.append({text, QStringLiteral("'"), manyStrUnits, QStringLiteral("'")});
    out.append({Value::list({i(7), bytes, i(8)}), QStringLiteral("[7, b'"), manyBytesUnits,
                QStringLiteral("', 8]")});
    out.append(
        {Value::dict({{text, i(1)}}), QStringLiteral("{'"), manyStrUnits, QStringLiteral("': 1}")});
    out.append({Value::tuple({text}), QStringLiteral("('"), manyStrUnits, QStringLiteral("',)")});
    return out;
}

} // namespace

void TestValue::boundedReprCutsBetweenEscapes()
{
    // Every cut length: a prefix of the full repr, within the limit, and inside the str or bytes
    // only ever between two escapes (never "\x", "\xa", a lone "\" or half a surrogate pair).
    for (const Escaped& e : escapedValues()) {
        const QString full = e.value.repr();
        QCOMPARE(full, e.before + e.units.join(QString()) + e.after);
        QList<qsizetype> boundaries; // where each unit starts, then where the last one ends
        qsizetype at = e.before.size();
        for (const QString& unit : e.units) {
            boundaries.append(at);
            at += unit.size();
        }
        boundaries.append(at);
        for (qsizetype maxLength = 0; maxLength <= full.size() + 1; ++maxLength) {
            bool cut = false;
            const QString shown = e.value.repr(maxLength, cut);
            const QByteArray context =
                (QStringLiteral("maxLength %1: ").arg(maxLength) + shown).toUtf8();
            QVERIFY2(shown.size() <= maxLength, context.constData());
            QVERIFY2(full.startsWith(shown), context.constData());
            QCOMPARE(cut, shown.size() < full.size());
            if (shown.size() < boundaries.first() || shown.size() > boundaries.last())
                continue;
            const qsizetype k = boundaries.indexOf(shown.size());
            QVERIFY2(k >= 0, context.constData());
            // As much as fits: the next unit would not have.
            if (k + 1 < boundaries.size())
                QVERIFY2(boundaries[k + 1] > maxLength, context.constData());
        }
    }
}

void TestValue::bytesPreviewCutsBetweenEscapes()
{
    // A preview of the head of a longer message, or of one too long to show whole: whole
    // escapes, then "..." and the closing quote, never more than maxLength characters.
    const QByteArray pattern("\xa8\\'\"\na\x01\t");
    const QByteArray head = pattern.repeated(8); // 64 bytes, as kMaxPayloadHead
    for (qsizetype size = 0; size <= head.size(); ++size) {
        const QByteArrayView bytes(head.constData(), size);
        const QString fullRepr = pipescope::reprBytes(bytes);
        const QByteArray full = fullRepr.toLatin1();
        const char quote = full.back();
        for (const bool more : {false, true}) {
            for (qsizetype maxLength = 6; maxLength <= full.size() + 6; ++maxLength) {
                const QByteArray shown = reprBytesPreview(bytes, maxLength, more);
                const QByteArray context = QByteArray::number(size) + (more ? " more " : " ") +
                                           QByteArray::number(maxLength) + ": " + shown;
                QVERIFY2(shown.size() <= maxLength, context.constData());
                if (!more && full.size() <= maxLength) {
                    QCOMPARE(shown, full);
                    continue;
                }
                QVERIFY2(shown.endsWith(QByteArray("...").append(quote)), context.constData());
                const QByteArray kept = shown.chopped(4);
                QVERIFY2(full.startsWith(kept), context.constData());
                // The cut fell between the escapes of two bytes.
                bool atBoundary = false;
                qsizetype at = 2; // b'
                for (qsizetype n = 0; n <= size && !atBoundary; ++n) {
                    atBoundary = at == kept.size();
                    if (n < size) {
                        const char c = bytes[n];
                        at += c == quote ? 2
                              : c == '\'' || c == '"'
                                  ? 1
                                  : pipescope::reprBytes(QByteArrayView(&c, 1)).size() - 3;
                    }
                }
                QVERIFY2(atBoundary, context.constData());
                // As much as fits: one more escape (at most 4 characters) would not have.
                QVERIFY2(kept.size() == full.size() - 1 || kept.size() + 4 + 4 > maxLength,
                         context.constData());
            }
        }
    }
}

void TestValue::bigInts()
{
    // Two's complement of any length; what fits in 64 bits is a plain int, so equal ints are
    // equal Values however they were written.
    const auto le = [](std::initializer_list<int> bytes) {
        QByteArray out;
        for (int b : bytes)
            out.append(static_cast<char>(b));
        return out;
    };
    QCOMPARE(Value::fromIntBytes({}), i(0));
    QCOMPARE(Value::fromIntBytes(le({0xff, 0xff, 0xff})), i(-1));
    QCOMPARE(Value::fromIntBytes(le({1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), i(1));
    QCOMPARE(Value::fromIntBytes(le({0, 0, 0, 0, 0, 0, 0, 0x80, 0xff})).type(), Value::Type::Int);
    QCOMPARE(Value::fromIntBytes(le({0, 0, 0, 0, 0, 0, 0, 0x80, 0xff})),
             i(std::numeric_limits<qint64>::min()));
    const Value twoTo63 = Value::fromIntBytes(le({0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0}));
    QCOMPARE(twoTo63.type(), Value::Type::BigInt);
    QCOMPARE(twoTo63.bytes(), le({0, 0, 0, 0, 0, 0, 0, 0x80, 0}));
    QCOMPARE(twoTo63, Value::fromIntBytes(le({0, 0, 0, 0, 0, 0, 0, 0x80, 0})));
    QVERIFY(twoTo63 != i(std::numeric_limits<qint64>::max()));
    QVERIFY(twoTo63.isInt());
    QCOMPARE(twoTo63.typeName(), QStringLiteral("int"));
    QCOMPARE(twoTo63.repr(), QStringLiteral("9223372036854775808"));
    QCOMPARE(Value::fromIntBytes(le({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff})).repr(),
             QStringLiteral("-9223372036854775809"));
    // 10**100, from its bytes as Python's int.to_bytes(42, 'little', signed=True) gives them.
    const QByteArray googol = QByteArray::fromHex(
        "000000000000000000000000108f2ea80843b2aa7c1a218e40ce8af30bcec484270beb7cc39425ad4912");
    QCOMPARE(Value::fromIntBytes(googol).repr(), QStringLiteral("1") + QString(100, u'0'));
    // Past 4300 digits CPython's repr() raises; ours names the size.
    QByteArray huge(2000, '\0');
    huge.append('\x01'); // 2**16000
    QCOMPARE(Value::fromIntBytes(huge).repr(), QStringLiteral("<int of 16001 bits>"));
    QByteArray negative(2000, '\0');
    negative.append('\xff'); // -2**16000
    QCOMPARE(Value::fromIntBytes(negative).repr(), QStringLiteral("<negative int of 16001 bits>"));
}

void TestValue::builtinKinds()
{
    QCOMPARE(Value::complex(1, 2).repr(), QStringLiteral("(1+2j)"));
    QCOMPARE(Value::complex(0, -2.5).repr(), QStringLiteral("-2.5j"));
    QCOMPARE(Value::complex(-0.0, 0).repr(), QStringLiteral("(-0+0j)"));
    QCOMPARE(Value::complex(1e16, -1e-5).repr(), QStringLiteral("(1e+16-1e-05j)"));
    QCOMPARE(Value::complex(1, 2).typeName(), QStringLiteral("complex"));
    QCOMPARE(Value::range(i(0), i(3), i(1)).repr(), QStringLiteral("range(0, 3)"));
    QCOMPARE(Value::range(i(1), i(10), i(2)).repr(), QStringLiteral("range(1, 10, 2)"));
    QCOMPARE(Value::slice(Value(), i(5), Value()).repr(), QStringLiteral("slice(None, 5, None)"));
    QCOMPARE(Value::slice(i(1), i(2), i(3)), Value::slice(i(1), i(2), i(3)));
    QVERIFY(Value::slice(i(1), i(2), i(3)) != Value::range(i(1), i(2), i(3)));
    QVERIFY(Value::complex(1, 0) != Value::fromFloat(1));
}

void TestValue::utf8ReprCutsBetweenEscapes()
{
    // Bounded in UTF-8 bytes (a telemetry record): non-ASCII text takes more bytes than units, and
    // cutting the UTF-8 afterwards would split "\\x00" or "\\u2028" after it.
    for (const Escaped& e : escapedValues()) {
        const QByteArray full = e.value.repr().toUtf8();
        for (qsizetype maxBytes = 0; maxBytes <= full.size() + 1; ++maxBytes) {
            bool cut = false;
            const QByteArray shown = e.value.reprUtf8(maxBytes, cut);
            const QByteArray context = QByteArray::number(maxBytes) + ": " + shown;
            QVERIFY2(shown.size() <= maxBytes, context.constData());
            QVERIFY2(full.startsWith(shown), context.constData());
            QCOMPARE(cut, shown.size() < full.size());
            // A bounded repr in units, which cuts between escapes (boundedReprCutsBetweenEscapes).
            const QString units = QString::fromUtf8(shown);
            bool unitsCut = false;
            QCOMPARE(e.value.repr(units.size(), unitsCut), units);
        }
    }
}

QTEST_APPLESS_MAIN(TestValue)
#include "tst_value.moc"
