// The timeline's colours: the theme keeps PipeScope's hues on a light palette and makes them
// readable on a dark one.
#include "Theme.h"

#include <QPalette>
#include <QTest>

using namespace pipescope;

namespace {

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    palette.setColor(QPalette::Text, Qt::black);
    return palette;
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    palette.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2a));
    palette.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    return palette;
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void themeKeepsTheLightColours();
    void darkPaletteGetsReadableColours();
};

void TestTimeline::themeKeepsTheLightColours()
{
    const Theme theme(lightPalette());
    QVERIFY(!theme.isDark());
    QCOMPARE(theme.state(ProcessState::Crashed), QColor(0xd0, 0x1c, 0x1c));
    QCOMPARE(theme.state(ProcessState::Running), QColor(0x5b, 0xa8, 0x5b));
    QCOMPARE(theme.channel(0), QColor(0x1f, 0x6f, 0xd0));
    QCOMPARE(theme.channel(6), theme.channel(0));
    QCOMPARE(theme.undelivered(), QColor(0xb0, 0x40, 0x40));
    QCOMPARE(theme.pollTrue(), QColor(0x3c, 0xa0, 0x3c));
    QCOMPARE(theme.base(), QColor(Qt::white));
    QCOMPARE(theme.text(), QColor(Qt::black));
}

void TestTimeline::darkPaletteGetsReadableColours()
{
    const Theme light(lightPalette());
    const Theme dark(darkPalette());
    QVERIFY(dark.isDark());
    QCOMPARE(dark.base(), QColor(0x1e, 0x1e, 0x1e));
    QCOMPARE(dark.text(), QColor(0xe8, 0xe8, 0xe8));
    // The light palette's undelivered red is hard to read on a dark base; the dark one's is not.
    QVERIFY(Theme::contrast(light.undelivered(), dark.base()) < 4.5);
    QVERIFY(Theme::contrast(dark.undelivered(), dark.base()) >= 4.5);
    QVERIFY(dark.undelivered() != light.undelivered());
    for (int s = 0; s < kProcessStateCount; ++s) {
        const auto state = ProcessState(s);
        QVERIFY2(Theme::contrast(dark.state(state), dark.base()) >= 3,
                 qPrintable(processStateName(state)));
    }
    QVERIFY(dark.pollFalse() != light.pollFalse());
    for (int c = 0; c < 6; ++c)
        QVERIFY2(Theme::contrast(dark.channel(c), dark.base()) >= 4.5,
                 qPrintable(QString::number(c)));
    QVERIFY(Theme::contrast(dark.pollTrue(), dark.base()) >= 3);
    QVERIFY(Theme::contrast(dark.pollFalse(), dark.base()) > 1.5);
}

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
