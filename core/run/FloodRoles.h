#pragma once

#include <QtGlobal>
#include <span>

namespace pipescope {

class RoleContext;

// The `flood` scenario. The sender sends `count` messages of `size` bytes with send_bytes and no
// pause, then an empty message; message i carries i in its first 8 bytes and a fill derived from
// i, so the receiver can tell a lost, repeated, reordered or damaged message.
int floodSenderRole(RoleContext& context);
// The receiver takes each with recv_bytes, pausing `delay` seconds per message, and checks them.
int floodReceiverRole(RoleContext& context);

// Writes flood message `index` into `out`.
void fillFloodMessage(std::span<char> out, quint64 index);
// Whether `message` is flood message `index` of `size` bytes.
bool isFloodMessage(std::span<const char> message, quint64 index, qsizetype size);

} // namespace pipescope
