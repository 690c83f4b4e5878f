#include "TraceDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>

namespace pipescope {

namespace {

const QString kCommandKey = QStringLiteral("trace/command");
const QString kDirectoryKey = QStringLiteral("trace/directory");

} // namespace

TraceDialog::TraceDialog(QWidget* parent)
    : QDialog(parent)
    , m_command(new QLineEdit(this))
    , m_directory(new QLineEdit(this))
{
    setWindowTitle(tr("Trace a program"));
    const QSettings settings;
    m_command->setText(settings.value(kCommandKey).toString());
    m_command->setPlaceholderText(tr("python3 script.py arguments…"));
    m_command->setMinimumWidth(420);
    m_directory->setText(settings.value(kDirectoryKey, QDir::currentPath()).toString());
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen =
            QFileDialog::getExistingDirectory(this, tr("Run the program in"), m_directory->text());
        if (!chosen.isEmpty())
            m_directory->setText(chosen);
    });
    auto* directoryRow = new QHBoxLayout;
    directoryRow->addWidget(m_directory);
    directoryRow->addWidget(browse);

    auto* hint = new QLabel(tr("Every Python process the program starts is traced: its Pipes, "
                               "Queues, Pools and Listeners. The program's output goes to the "
                               "Console tab."),
                            this);
    hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Trace"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (request()) {
            remember();
            accept();
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout(this);
    form->addRow(tr("Command:"), m_command);
    form->addRow(tr("Working folder:"), directoryRow);
    form->addRow(hint);
    form->addRow(buttons);
}

std::optional<TraceRequest> TraceDialog::request() const
{
    const QStringList words = QProcess::splitCommand(m_command->text());
    if (words.isEmpty())
        return std::nullopt;
    TraceRequest request;
    request.program = words.first();
    request.arguments = words.mid(1);
    request.workingDirectory = m_directory->text();
    request.output = TraceRequest::Output::Capture;
    return request;
}

void TraceDialog::remember() const
{
    QSettings settings;
    settings.setValue(kCommandKey, m_command->text());
    settings.setValue(kDirectoryKey, m_directory->text());
}

std::optional<TraceRequest> TraceDialog::ask(QWidget* parent)
{
    TraceDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.request();
}

} // namespace pipescope
