#pragma once

namespace pipescope {

class RoleContext;

// The `poll` scenario. The sender sends `count` values at random intervals (up to `interval`
// seconds), then None.
int pollSenderRole(RoleContext& context);
// The receiver calls poll(timeout) and, while nothing is there, does other work and says so.
int pollReceiverRole(RoleContext& context);

} // namespace pipescope
