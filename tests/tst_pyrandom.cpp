// PyRandom against CPython's random.seed(n); random.random(), golden values made with
//   python3 -c "import random; random.seed(N); print([repr(random.random()) for _ in range(3)])"
#include "run/PyRandom.h"
#include "wire/PyRepr.h"

#include <QTest>

using namespace pipescope;

class TestPyRandom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesCPython_data();
    void matchesCPython();
};

void TestPyRandom::matchesCPython_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<QStringList>("values");
    QTest::newRow("42") << quint64(42)
                        << QStringList{"0.6394267984578837", "0.025010755222666936",
                                       "0.27502931836911926"};
    QTest::newRow("0") << quint64(0)
                       << QStringList{"0.8444218515250481", "0.7579544029403025",
                                      "0.420571580830845"};
    QTest::newRow("7") << quint64(7)
                       << QStringList{"0.32383276483316237", "0.15084917392450192",
                                      "0.6509344730398537"};
    QTest::newRow("2**32+5, two words")
        << quint64(4294967301ULL)
        << QStringList{"0.15727238718789782", "0.2824866316461999", "0.6044540318498407"};
    QTest::newRow("2**63-1") << quint64(9223372036854775807ULL)
                             << QStringList{"0.3166448820870279", "0.631259308253863",
                                            "0.8035542479972343"};
}

void TestPyRandom::matchesCPython()
{
    QFETCH(quint64, seed);
    QFETCH(QStringList, values);
    PyRandom random(seed);
    for (const QString& expected : values)
        QCOMPARE(reprFloat(random.random()), expected);
}

QTEST_APPLESS_MAIN(TestPyRandom)
#include "tst_pyrandom.moc"
