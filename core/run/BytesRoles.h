#pragma once

namespace pipescope {

class RoleContext;

// The `bytes` scenario, a tour of the byte API over a one-way pipe. The sender sends a buffer
// whole, from an offset, and by offset and size, then messages the receiver reads into its
// buffer at an offset, one too long for that buffer, one after it, and last one longer than
// the receiver's maxlength.
int bytesSenderRole(RoleContext& context);
// The receiver: recv_bytes, recv_bytes_into with an offset, survives BufferTooShort, and stops
// after recv_bytes(maxlength) refuses a message (which leaves that read end closed).
int bytesReceiverRole(RoleContext& context);

} // namespace pipescope
