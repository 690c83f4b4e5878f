// picklePreview(): the text of pickles PipeScope must not unpickle, checked against pickles a real
// CPython (python3) writes at test time (protocols 0 to 5: plain values must read as Python's own
// repr(), objects as the table below says, cut pickles as the script computes) and against
// hostile input. The CPython part is skipped when python3 is missing, unless
// PIPESCOPE_REQUIRE_PYTHON=1 (as CI sets it). PIPESCOPE_PREVIEW_DUMP=1 prints every preview.

#include "PythonScript.h"
#include "wire/PickleOpcodes.h"
#include "wire/PicklePreview.h"
#include "wire/PickleReader.h"
#include "wire/Value.h"

#include <QElapsedTimer>
#include <QHash>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace pipescope;

namespace {

// Pickles what the table below names, with every protocol, and prints one row a line:
// name, protocol, pickle (hex), kind, expected text (hex of UTF-8). Kinds: "plain" (expected:
// repr()), "object" (expected: the kExpected table), "cut" (the pickle's first 256 bytes; expected:
// computed here with pickletools, or empty when only the invariants are checked).
const char kScript[] = R"PY(
import collections, copyreg, dataclasses, datetime, decimal, enum, io, pickle, pickletools


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


@dataclasses.dataclass
class DPoint:
    x: int
    y: float


NT = collections.namedtuple("NT", "a b")


class Reduced:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __reduce__(self):
        return (Reduced, (self.a, self.b))


class MyError(Exception):
    pass


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1
        self.b = "two"


class Custom:
    def __getstate__(self):
        return [1, 2]

    def __setstate__(self, state):
        pass


class KW:
    def __new__(cls, a, *, b):
        return super().__new__(cls)

    def __getnewargs_ex__(self):
        return (1,), {"b": 2}


class Color(enum.Enum):
    RED = 1


class Ext:
    def __init__(self):
        self.v = 1


def helper():
    pass


selfish = []
selfish.append(selfish)
selfdict = {}
selfdict["me"] = selfdict
shared = [1]
PLAIN = {
    "none": None, "true": True, "false": False, "int": 42, "negative": -7, "int32": 2**31,
    "int64": -2**63, "bigint": 2**70, "negbig": -2**100, "float": 1.5, "negzero": -0.0,
    "inf": float("inf"), "nan": float("nan"), "tiny": 1e-7, "empty_str": "",
    "str": "h\xe9llo\n\t", "quotes": "it's \"x\"", "surrogate": "\ud800", "emoji": "\U0001f600",
    "backslash": "a\\u0041", "empty_bytes": b"", "bytes": b"\x00ab\xff", "bytes_quote": b"it's",
    "bytearray": bytearray(b"xy"), "empty_bytearray": bytearray(), "empty_tuple": (),
    "one_tuple": (1,), "tuple3": (1, 2, 3), "tuple5": (1, 2, 3, 4, 5), "empty_list": [],
    "nested_list": [1, [2, [3]]], "empty_dict": {}, "dict": {"a": 1, 2: [3], (4, 5): None},
    "empty_set": set(), "set": {1, 2, 3}, "empty_frozenset": frozenset(),
    "frozenset": frozenset({"a"}), "complex": 1 + 2j, "complex2": complex(0, -1.5),
    "range": range(5), "range_step": range(1, 10, 2), "range_neg": range(-3, 0),
    "slice": slice(1, None, 2), "list300": list(range(300)),
    "mixed": {"k": [(1, 2.5, "x"), {b"y"}], "n": None}, "shared": [shared, shared],
    "selfish": selfish, "selfdict": selfdict, "long_str": "abc" * 400,
}
OBJECTS = {
    "point": Point(1, 2), "dataclass": DPoint(1, 2.5), "namedtuple": NT(1, "b"),
    "reduce": Reduced(3, "x"), "valueerror": ValueError("boom"), "myerror": MyError("bad", 3),
    "slots": Slotted(), "custom_state": Custom(), "kwargs": KW(1, b=2), "enum": Color.RED,
    "nested": {"points": [Point(1, 2), Point(3, 4)], "err": ValueError("x"),
               "t": (Point(5, 6), None)},
    "function": helper, "builtin_function": len, "class": Point, "builtin_class": int,
    "refs": [helper, len, int, Point], "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "date": datetime.date(2024, 1, 2), "timedelta": datetime.timedelta(days=1, seconds=2),
    "decimal": decimal.Decimal("1.25"), "ordereddict": collections.OrderedDict(a=1, b=2),
    "counter": collections.Counter("aab"), "defaultdict": collections.defaultdict(list, k=[1]),
    "deque": collections.deque([1, 2]),
}
rows = []


def row(name, protocol, data, kind, expected=""):
    rows.append("\t".join([name, str(protocol), data.hex(), kind,
                           expected.encode("utf-8").hex()]))


for protocol in range(6):
    for name, value in PLAIN.items():
        row(name, protocol, pickle.dumps(value, protocol), "plain", repr(value))
    for name, value in OBJECTS.items():
        try:
            data = pickle.dumps(value, protocol)
        except TypeError:
            continue  # __slots__ without __getstate__ needs protocol 2
        row(name, protocol, data, "object")

for protocol in (2, 4, 5):
    # The tracer's cut: the first 256 bytes.
    data = pickle.dumps(list(range(1000)), protocol)[:256]
    ints = []
    try:
        for op, arg, pos in pickletools.genops(data):
            if op.name.startswith("BININT"):
                ints.append(arg)
    except ValueError:
        pass  # the opcode the cut fell in
    row("cut_list", protocol, data, "cut", "[" + "".join(f"{i}, " for i in ints) + "...]")
    data = pickle.dumps("x" * 1000, protocol)[:256]
    row("cut_str", protocol, data, "cut", "'" + "x" * (256 - data.find(b"xxx")) + "...'")
    row("cut_points", protocol,
        pickle.dumps([Point(i, -i) for i in range(40)], protocol)[:256], "cut")


class PersistentPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return "db-key" if obj is Ext else None


for protocol in (0, 2, 4, 5):
    out = io.BytesIO()
    PersistentPickler(out, protocol).dump([Ext, 1])
    row("persistent", protocol, out.getvalue(), "object")
row("out_of_band", 5,
    pickle.dumps(pickle.PickleBuffer(b"abc"), 5, buffer_callback=lambda b: False), "object")
row("in_band_buffer", 5, pickle.dumps(pickle.PickleBuffer(bytearray(b"ab")), 5), "object")
copyreg.add_extension("__main__", "Ext", 240)
for protocol in (2, 4):
    row("extension", protocol, pickle.dumps(Ext(), protocol), "object")
print("\n".join(rows))
)PY";

// The previews of the "object" rows: by name, or by name@protocol where a protocol differs.
const QHash<QString, QString> kExpected = {
    // Plain objects, dataclasses and __slots__ classes: NEWOBJ then BUILD (copyreg._reconstructor
    // and BUILD for protocols 0 and 1).
    {"point", "__main__.Point(x=1, y=2)"},
    {"dataclass", "__main__.DPoint(x=1, y=2.5)"},
    {"slots", "__main__.Slotted(a=1, b='two')"},
    // Tuple subclasses: NEWOBJ with the items; protocols 0 and 1 pass them as _reconstructor's
    // state, tuple.__new__(NT, (1, 'b')).
    {"namedtuple", "__main__.NT(1, 'b')"},
    {"namedtuple@0", "__main__.NT((1, 'b'))"},
    {"namedtuple@1", "__main__.NT((1, 'b'))"},
    {"reduce", "__main__.Reduced(3, 'x')"},
    {"valueerror", "ValueError('boom')"},
    {"myerror", "__main__.MyError('bad', 3)"},
    {"custom_state", "__main__.Custom(...)"},
    // __getnewargs_ex__: NEWOBJ_EX from protocol 4; protocols 2 and 3 call a functools.partial
    // of cls.__new__ (whose state is a tuple); protocols 0 and 1 ignore it.
    {"kwargs", "__main__.KW(1, b=2)"},
    {"kwargs@0", "__main__.KW()"},
    {"kwargs@1", "__main__.KW()"},
    {"kwargs@2", "functools.partial(getattr(__main__.KW, '__new__'), ...)()"},
    {"kwargs@3", "functools.partial(getattr(__main__.KW, '__new__'), ...)()"},
    {"enum", "__main__.Color(1)"},
    {"nested", "{'points': [__main__.Point(x=1, y=2), __main__.Point(x=3, y=4)], "
               "'err': ValueError('x'), 't': (__main__.Point(x=5, y=6), None)}"},
    {"function", "__main__.helper"},
    {"builtin_function", "len"},
    {"class", "__main__.Point"},
    {"builtin_class", "int"},
    {"refs", "[__main__.helper, len, int, __main__.Point]"},
    {"datetime", R"(datetime.datetime(b'\x07\xe8\x01\x02\x03\x04\x05\x00\x00\x00'))"},
    {"date", R"(datetime.date(b'\x07\xe8\x01\x02'))"},
    {"timedelta", "datetime.timedelta(1, 2, 0)"},
    {"decimal", "decimal.Decimal('1.25')"},
    // Items an object gets by SETITEMS or APPENDS show as a dict or list argument.
    {"ordereddict", "collections.OrderedDict({'a': 1, 'b': 2})"},
    {"counter", "collections.Counter({'a': 2, 'b': 1})"},
    {"defaultdict", "collections.defaultdict(list, {'k': [1]})"},
    {"deque", "collections.deque([1, 2])"},
    {"persistent", "[<persistent id>, 1]"},
    {"out_of_band", "<out-of-band buffer>"},
    {"in_band_buffer", "bytearray(b'ab')"},
    {"extension", "<extension 240>(v=1)"},
};

// The list of 40 points cut after 256 bytes: the points read, the one the cut fell in as far as
// it goes, then the list's cut mark.
const QRegularExpression kCutPoints(QStringLiteral(
    R"(^\[(__main__\.Point\(x=(\d+), y=-?\2\), ){8,}__main__\.Point\(x=\d+, (y=\.\.\.|\.\.\.)\), \.\.\.\]$)"));

struct Row
{
    QString name;
    int protocol = 0;
    QByteArray pickle;
    QString kind;
    QByteArray expected;
};

QList<Row> g_rows;
QString g_pythonProblem; // why there are no rows

// The text after a cut pickle's last "...": closing brackets, parentheses and quotes only.
bool endsWithCutMark(const QByteArray& text)
{
    const qsizetype at = text.lastIndexOf("...");
    if (at < 0)
        return false;
    for (const char c : text.sliced(at + 3)) {
        if (!QByteArrayView(")]}'\"").contains(c))
            return false;
    }
    return true;
}

// Whether a cut text shows the start of the whole pickle's text, up to its first "...", but for
// its last three items, which the cut may have left ambiguous (a MARK's items before TUPLE or
// APPENDS, TUPLE3's three items, STACK_GLOBAL's two str, the quote of a cut str, a container
// about to close).
bool agreesWithWhole(const QByteArray& text, const QByteArray& whole)
{
    QByteArray shown = text.first(text.indexOf("..."));
    for (int items = 0; items < 3; ++items)
        shown.truncate(std::max<qsizetype>(
            0, shown.chopped(std::min<qsizetype>(2, shown.size())).lastIndexOf(", ")));
    return whole.startsWith(shown);
}

QByteArray preview(const QByteArray& pickle, bool cut, qsizetype maxText = 100000)
{
    return picklePreview(pickle, cut, maxText);
}

} // namespace

class TestPicklePreview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fromPython_data();
    void fromPython();
    void everyPrefix_data();
    void everyPrefix();
    void bounded_data();
    void bounded();
    void hostile_data();
    void hostile();
    void deepNesting();
    void hugeLengthsDoNotAllocate();
    void linearTime();
    void randomBytes();
};

void TestPicklePreview::initTestCase()
{
    const PythonOutput python = runPythonScript(kScript, 5);
    if (!python.failed.isEmpty())
        QFAIL(qPrintable(python.failed));
    g_pythonProblem = python.missing;
    for (const QList<QByteArray>& fields : python.rows) {
        g_rows.append({QString::fromUtf8(fields[0]), fields[1].toInt(),
                       QByteArray::fromHex(fields[2]), QString::fromUtf8(fields[3]),
                       QByteArray::fromHex(fields[4])});
    }
    if (g_pythonProblem.isEmpty())
        QVERIFY(g_rows.size() > 400);
}

void TestPicklePreview::fromPython_data()
{
    QTest::addColumn<int>("row");
    if (g_rows.isEmpty())
        QTest::newRow("no python3") << -1;
    for (qsizetype i = 0; i < g_rows.size(); ++i) {
        const Row& r = g_rows[i];
        QTest::addRow("%s p%d", qPrintable(r.name), r.protocol) << int(i);
    }
}

void TestPicklePreview::fromPython()
{
    QFETCH(int, row);
    if (row < 0)
        QSKIP(qPrintable(g_pythonProblem));
    const Row& r = g_rows[row];
    const bool cut = r.kind == QLatin1String("cut");
    const QByteArray text = preview(r.pickle, cut);
    if (qEnvironmentVariableIntValue("PIPESCOPE_PREVIEW_DUMP") == 1)
        qInfo("%s p%d: %s", qPrintable(r.name), r.protocol, text.constData());
    if (r.kind == QLatin1String("object")) {
        const QString key = r.name + QLatin1Char('@') + QString::number(r.protocol);
        const auto it = kExpected.contains(key) ? kExpected.find(key) : kExpected.find(r.name);
        QVERIFY2(it != kExpected.end(), qPrintable(key + QStringLiteral(" is not in kExpected")));
        QCOMPARE(QString::fromUtf8(text), *it);
        return;
    }
    if (!r.expected.isEmpty())
        QCOMPARE(text, r.expected);
    if (r.name == QLatin1String("cut_points"))
        QVERIFY2(kCutPoints.match(QString::fromUtf8(text)).hasMatch(), text.constData());
    if (r.kind == QLatin1String("plain")) {
        // The same text as the rest of PipeScope shows, where decodePickle() reads the pickle.
        const Result<Value> value = decodePickle(r.pickle);
        if (value)
            QCOMPARE(QString::fromUtf8(text), value->repr());
    } else {
        QVERIFY2(endsWithCutMark(text), text.constData());
    }
}

// Every start of every pickle, as a cut: never unreadable, always a cut mark, and agreeing with
// the whole pickle's text.
void TestPicklePreview::everyPrefix_data()
{
    fromPython_data();
}

void TestPicklePreview::everyPrefix()
{
    QFETCH(int, row);
    if (row < 0)
        QSKIP(qPrintable(g_pythonProblem));
    const Row& r = g_rows[row];
    const QByteArray whole = preview(r.pickle, r.kind == QLatin1String("cut"));
    for (qsizetype n = 0; n < r.pickle.size(); ++n) {
        const QByteArray text = preview(r.pickle.first(n), true);
        const QByteArray context = r.pickle.first(n).toHex() + " -> " + text;
        QVERIFY2(!text.startsWith("<unreadable"), context.constData());
        QVERIFY2(endsWithCutMark(text), context.constData());
        QVERIFY2(agreesWithWhole(text, whole), QByteArray(context + " vs " + whole).constData());
    }
}

void TestPicklePreview::bounded_data()
{
    fromPython_data();
}

// Any maxText: never longer, and cut texts end with their cut mark.
void TestPicklePreview::bounded()
{
    QFETCH(int, row);
    if (row < 0)
        QSKIP(qPrintable(g_pythonProblem));
    const Row& r = g_rows[row];
    const bool cut = r.kind == QLatin1String("cut");
    const QByteArray whole = preview(r.pickle, cut);
    for (const qsizetype maxText : {0, 3, 5, 8, 13, 21, 34, 55, 256}) {
        const QByteArray text = preview(r.pickle, cut, maxText);
        const QByteArray context = QByteArray::number(maxText) + ": " + text;
        QVERIFY2(text.size() <= std::max<qsizetype>(maxText, 3), context.constData());
        QVERIFY2(QString::fromUtf8(text).toUtf8() == text, context.constData()); // valid UTF-8
        if (text == whole)
            continue;
        QVERIFY2(endsWithCutMark(text), context.constData());
        QVERIFY2(whole.startsWith(text.first(text.indexOf("..."))),
                 QByteArray(context + " vs " + whole).constData());
    }
}

void TestPicklePreview::hostile_data()
{
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<bool>("cut");
    QTest::addColumn<QByteArray>("expected");
    const auto hex = [](const char* text) { return QByteArray::fromHex(text); };
    QTest::newRow("empty") << QByteArray() << false << QByteArray("...");
    QTest::newRow("empty cut") << QByteArray() << true << QByteArray("...");
    QTest::newRow("unknown opcode") << hex("8004ff") << false
                                    << QByteArray("<unreadable pickle: unknown opcode 0xff at "
                                                  "offset 2>");
    QTest::newRow("protocol 6") << hex("800629") << false
                                << QByteArray("<unreadable pickle: unsupported protocol 6 (PROTO) "
                                              "at offset 0>");
    QTest::newRow("underflow") << hex("80024b0186") << false
                               << QByteArray("<unreadable pickle: stack underflow (TUPLE2) at "
                                             "offset 4>");
    QTest::newRow("no mark") << hex("800274") << false
                             << QByteArray("<unreadable pickle: no MARK (TUPLE) at offset 2>");
    QTest::newRow("memo miss") << hex("8002680571") << false
                               << QByteArray("<unreadable pickle: memo key 5 not found (BINGET) at "
                                             "offset 2>");
    QTest::newRow("append to int") << hex("80024b014b0261") << false
                                   << QByteArray("<unreadable pickle: needs a list or set (APPEND) "
                                                 "at offset 6>");
    QTest::newRow("bad utf-8") << hex("80028c02c328") << false
                               << QByteArray("<unreadable pickle: invalid UTF-8 in a str "
                                             "(SHORT_BINUNICODE) at offset 2>");
    QTest::newRow("stack global of ints") << hex("80024b014b0293") << false
                                          << QByteArray("<unreadable pickle: STACK_GLOBAL needs "
                                                        "two str (STACK_GLOBAL) at offset 6>");
    QTest::newRow("bad INT line") << QByteArray("Ix1\n.") << false
                                  << QByteArray("<unreadable pickle: bad argument (INT) at offset "
                                                "0>");
    QTest::newRow("huge BINUNICODE8")
        << hex("80048dffffffffffffff7f6869") << false << QByteArray("'hi...'");
    QTest::newRow("huge BINBYTES8")
        << hex("80058effffffffffffffff0001") << false << QByteArray("b'\\x00\\x01...'");
    QTest::newRow("huge BYTEARRAY8")
        << hex("800596ffffffffffffffff41") << false << QByteArray("bytearray(b'A...')");
    QTest::newRow("huge LONG4") << hex("80028bffffff7f01") << false << QByteArray("...");
    QTest::newRow("negative LONG4") << hex("80028bffffffff01") << false
                                    << QByteArray("<unreadable pickle: negative length (LONG4) at "
                                                  "offset 2>");
    QTest::newRow("huge FRAME") << hex("800495ffffffffffffffff4b05") << false << QByteArray("5...");
    QTest::newRow("cut multibyte") << hex("80028c04e282") << true << QByteArray("'...'");
    QTest::newRow("cut after multibyte")
        << hex("80028c0561e282ac") << true << QByteArray("'a\xe2\x82\xac...'");
    QTest::newRow("after STOP ignored") << hex("80024b052e4b") << false << QByteArray("5");
    QTest::newRow("STOP on empty") << hex("80022e") << false
                                   << QByteArray("<unreadable pickle: stack underflow (STOP) at "
                                                 "offset 2>");
    QTest::newRow("persistent id text")
        << QByteArray("(lp0\nPkey\na.") << false << QByteArray("[<persistent id>]");
    QTest::newRow("ext4") << hex("8002840700000029812e") << false << QByteArray("<extension 7>()");
    QTest::newRow("global with newline-free name")
        << QByteArray("cmod\nna") << true << QByteArray("...");
    QTest::newRow("control chars in name") << QByteArray("cmo\x01"
                                                         "d\nname\n.")
                                           << false << QByteArray("mo\\x01d.name");
    QTest::newRow("python 2 string") << QByteArray("S'abc'\np0\n.") << false << QByteArray("'abc'");
    QTest::newRow("python 2 binstring")
        << hex("8002550361626371002e") << false << QByteArray("'abc'");
    QTest::newRow("python 2 binstring, not ASCII")
        << hex("80025502ff002e") << false << QByteArray("b'\\xff\\x00'");
    QTest::newRow("INST") << QByteArray("(I1\nimod\nCls\n.") << false << QByteArray("mod.Cls(1)");
    QTest::newRow("OBJ") << QByteArray("(cmod\nCls\nI1\no.") << false << QByteArray("mod.Cls(1)");
    QTest::newRow("BUILD on placeholder") << hex("80025000") << true << QByteArray("...");
    // Cuts inside a MARK's items: a function and an object are two items, not a call; an
    // object's BUILD state is its own; a known callable takes what follows.
    QTest::newRow("cut after a function and an object")
        << hex("80025d710028635f5f6d61696e5f5f0a68656c7065720a635f5f6d61696e5f5f0a500a2981") << true
        << QByteArray("[__main__.helper, __main__.P(...), ...]");
    QTest::newRow("cut in a BUILD state")
        << hex("80025d7100284b01635f5f6d61696e5f5f0a500a29817d2858010000007871") << true
        << QByteArray("[1, __main__.P(x=...), ...]");
    QTest::newRow("cut in a protocol 2 set")
        << hex("80025d7100284b01635f5f6275696c74696e5f5f0a7365740a5d284b074b08") << true
        << QByteArray("[1, {7, 8, ...}, ...]");
    QTest::newRow("self-referencing memo")
        << hex("80025d71006800612e") << false << QByteArray("[[...]]");
}

void TestPicklePreview::hostile()
{
    QFETCH(QByteArray, pickle);
    QFETCH(bool, cut);
    QFETCH(QByteArray, expected);
    QCOMPARE(preview(pickle, cut), expected);
}

// Nesting far beyond PickleLimits::maxDepth: shown to that depth, then "...", without recursion
// trouble; also inside objects and as a cut.
void TestPicklePreview::deepNesting()
{
    const int depth = 100000;
    QByteArray lists = "\x80\x04" + QByteArray(depth, ']');
    for (int i = 0; i < depth - 1; ++i)
        lists += 'a';
    lists += '.';
    const QByteArray text = preview(lists, false, 1000000);
    const int shown = PickleLimits{}.maxDepth;
    QCOMPARE(text, QByteArray(QByteArray(shown, '[') + "..." + QByteArray(shown, ']')));
    QVERIFY(endsWithCutMark(preview(lists.first(depth), true, 1000000)));

    QByteArray calls = "\x80\x02";
    for (int i = 0; i < depth; ++i)
        calls += "cmod\nf\n";
    calls += ')';
    for (int i = 0; i < depth; ++i)
        calls += "R\x85";
    QVERIFY(!preview(calls, true, 100000).isEmpty());
    QVERIFY(preview(calls, true, 50).size() <= 50);
}

// Length headers far beyond the input are read as cuts, never allocated.
void TestPicklePreview::hugeLengthsDoNotAllocate()
{
    for (const char op :
         {char(pickle::BinUnicode8), char(pickle::BinBytes8), char(pickle::ByteArray8)}) {
        QByteArray data = "\x80\x05";
        data += op;
        data += QByteArray(8, '\xff');
        data += "abc";
        QVERIFY(preview(data, false).contains("abc..."));
    }
    QByteArray long4 = "\x80\x02\x8b\xff\xff\xff\x7f";
    QCOMPARE(preview(long4, false), QByteArray("..."));
    QByteArray binunicode = "\x80\x02X\xff\xff\xff\xffxy";
    QCOMPARE(preview(binunicode, false), QByteArray("'xy...'"));
}

// Time linear in the input, whatever it shares: a list referenced a million times through the
// memo, sets made from one list again and again, a long list, text lines.
void TestPicklePreview::linearTime()
{
    const auto timed = [](const QByteArray& data, bool cut) {
        QElapsedTimer timer;
        timer.start();
        const QByteArray text = picklePreview(data, cut, 256);
        Q_UNUSED(text);
        return timer.elapsed();
    };
    QByteArray shared = "\x80\x02](";
    for (int i = 0; i < 100000; ++i)
        shared += "K\x01";
    shared += "eq\x00(";
    for (int i = 0; i < 1000000; ++i)
        shared += "h\x00";
    shared += "l.";
    QVERIFY(timed(shared, false) < 5000);

    QByteArray sets = "\x80\x02](";
    for (int i = 0; i < 100000; ++i)
        sets += "K\x01";
    sets += "eq\x00(";
    for (int i = 0; i < 300000; ++i)
        sets += "c__builtin__\nset\nh\x00\x85R";
    sets += "l.";
    QVERIFY(timed(sets, false) < 5000);
    QVERIFY(timed(sets.first(sets.size() - 2), true) < 5000);

    QByteArray text = "(lp0\n";
    for (int i = 0; i < 300000; ++i)
        text += "I12345\na";
    text += '.';
    QVERIFY(timed(text, false) < 5000);
}

// Random bytes, and random damage to real pickles: never a crash, never beyond the bound.
void TestPicklePreview::randomBytes()
{
    QRandomGenerator random(20240601);
    QList<QByteArray> seeds;
    for (const Row& r : std::as_const(g_rows))
        seeds.append(r.pickle);
    if (seeds.isEmpty())
        seeds.append(QByteArray::fromHex("80049520000000000000005d94288c01619468014b014b02658c02"
                                         "6869944e86942e"));
    for (int round = 0; round < 20000; ++round) {
        QByteArray data = seeds[random.bounded(int(seeds.size()))];
        if (round % 4 == 0) {
            data = QByteArray(random.bounded(64), '\0');
            for (char& c : data)
                c = char(random.bounded(256));
        } else {
            for (int k = random.bounded(1, 4); k > 0 && !data.isEmpty(); --k)
                data[random.bounded(int(data.size()))] = char(random.bounded(256));
        }
        const qsizetype maxText = random.bounded(64);
        const QByteArray text = picklePreview(data, round % 2 == 0, maxText);
        QVERIFY(!text.isEmpty());
        QVERIFY(text.size() <= std::max<qsizetype>(maxText, 3));
    }
}

QTEST_APPLESS_MAIN(TestPicklePreview)
#include "tst_picklepreview.moc"
