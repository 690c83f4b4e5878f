// dissectPickle(): the opcodes of pickles a real CPython (python3) writes at test time, protocols
// 0 to 5, listed line for line as its own pickletools.dis() lists them; and cut pickles, which
// dissect as far as their bytes go. The CPython part is skipped when python3 is missing, unless
// PIPESCOPE_REQUIRE_PYTHON=1 (as CI sets it).

#include "PythonScript.h"
#include "wire/PickleDissection.h"

#include <QTest>

using namespace pipescope;

namespace {

// One row a pickle: name, protocol, pickle (hex), then pickletools.dis()'s lines (hex of UTF-8,
// joined by newlines), tab-separated.
const char kScript[] = R"PY(
import collections, pickle, pickletools, io

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

values = {
    'none': None, 'bools': [True, False], 'ints': (0, 1, 255, 256, 65535, 65536, -1, -300,
    2**31 - 1, -2**31, 2**31, 2**63, -2**63 - 1, 2**200), 'float': 0.6394267984578837,
    'floats': [1.5, -0.0, 1e300, 1e-05], 'str': 'hello', 'unicode': 'h\u00e9llo \u20ac \U0001f600',
    'empty str': '', 'bytes': b'\x00\x01ab', 'bytearray': bytearray(b'xy'),
    'nested': {'k': [1, (2, 3)], 'set': {4}, 'fs': frozenset([5])}, 'point': Point(1, 'two'),
    'ordered': collections.OrderedDict(a=1), 'shared': [[1]] * 2, 'long str': 'x' * 300,
    'complex': 1 + 2j, 'range': range(3), 'len': len,
}
for name, value in values.items():
    for protocol in range(6):
        data = pickle.dumps(value, protocol)
        out = io.StringIO()
        pickletools.dis(data, out)
        lines = [l for l in out.getvalue().splitlines() if not l.startswith('highest protocol')]
        print(name, protocol, data.hex(), '\n'.join(lines).encode().hex(), sep='\t')
)PY";

struct Row
{
    QString name;
    int protocol;
    QByteArray pickle;
    QStringList lines;
};

QList<Row> g_rows;
QString g_pythonProblem;

QStringList linesOf(const std::vector<PickleOp>& ops)
{
    QStringList lines;
    for (const PickleOp& op : ops)
        lines.append(pickleOpLine(op));
    return lines;
}

} // namespace

class TestPickleDissection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void asPickletools_data();
    void asPickletools();
    void everyPrefix_data();
    void everyPrefix();
    void hostile();
};

void TestPickleDissection::initTestCase()
{
    const PythonOutput python = runPythonScript(kScript, 4);
    if (!python.failed.isEmpty())
        QFAIL(qPrintable(python.failed));
    g_pythonProblem = python.missing;
    for (const QList<QByteArray>& fields : python.rows) {
        g_rows.append({QString::fromUtf8(fields[0]), fields[1].toInt(),
                       QByteArray::fromHex(fields[2]),
                       QString::fromUtf8(QByteArray::fromHex(fields[3])).split(u'\n')});
    }
    if (g_pythonProblem.isEmpty())
        QVERIFY(g_rows.size() >= 100);
}

void TestPickleDissection::asPickletools_data()
{
    QTest::addColumn<int>("row");
    if (g_rows.isEmpty())
        QTest::newRow("no python3") << -1;
    for (qsizetype i = 0; i < g_rows.size(); ++i)
        QTest::addRow("%s p%d", qPrintable(g_rows[i].name), g_rows[i].protocol) << int(i);
}

void TestPickleDissection::asPickletools()
{
    QFETCH(int, row);
    if (row < 0)
        QSKIP(qPrintable(g_pythonProblem));
    const Row& r = g_rows[row];
    const std::vector<PickleOp> ops = dissectPickle(r.pickle);
    QCOMPARE(linesOf(ops), r.lines);
    // The opcodes cover the pickle, end to end.
    qsizetype at = 0;
    for (const PickleOp& op : ops) {
        QCOMPARE(op.offset, at);
        QVERIFY(!op.cut);
        at += op.length;
    }
    QCOMPARE(at, r.pickle.size());
}

void TestPickleDissection::everyPrefix_data()
{
    asPickletools_data();
}

// A message's first bytes: the opcodes before the cut as in the whole, the last one cut or whole.
void TestPickleDissection::everyPrefix()
{
    QFETCH(int, row);
    if (row < 0)
        QSKIP(qPrintable(g_pythonProblem));
    const Row& r = g_rows[row];
    const std::vector<PickleOp> whole = dissectPickle(r.pickle);
    for (qsizetype n = 0; n < r.pickle.size(); ++n) {
        const std::vector<PickleOp> ops = dissectPickle(r.pickle.first(n));
        QVERIFY(ops.size() <= whole.size());
        for (size_t i = 0; i < ops.size(); ++i) {
            QCOMPARE(ops[i].offset, whole[i].offset);
            QCOMPARE(ops[i].name, whole[i].name);
            const bool last = i + 1 == ops.size();
            QVERIFY(ops[i].offset + ops[i].length <= n);
            if (!last || !ops[i].cut)
                QCOMPARE(ops[i].argument, whole[i].argument);
            else
                QVERIFY(ops[i].argument.endsWith(u'…'));
        }
    }
}

void TestPickleDissection::hostile()
{
    // A byte that is no opcode ends the listing, named.
    std::vector<PickleOp> ops = dissectPickle(QByteArray("\x80\x04\xff\x2e", 4));
    QCOMPARE(ops.size(), size_t(2));
    QCOMPARE(ops[1].name, QStringLiteral("unknown opcode"));
    QCOMPARE(pickleOpLine(ops[1]), QStringLiteral("    2: \\xff unknown opcode"));
    // Lengths far past the bytes: cut, nothing allocated for them.
    ops = dissectPickle(QByteArray("\x8d\xff\xff\xff\xff\xff\xff\xff\x7f"
                                   "abc",
                                   12));
    QCOMPARE(ops.size(), size_t(1));
    QVERIFY(ops[0].cut);
    QCOMPARE(ops[0].argument, QStringLiteral("'abc'…"));
    // A mark-popping opcode without a MARK, and a huge LONG4.
    ops = dissectPickle(QByteArray("t\x8b\x00\x00\x00\x80", 6));
    QCOMPARE(ops.size(), size_t(2));
    QCOMPARE(ops[0].argument, QStringLiteral("(no MARK)"));
    QVERIFY(ops[1].cut);
}

QTEST_APPLESS_MAIN(TestPickleDissection)
#include "tst_pickledissection.moc"
