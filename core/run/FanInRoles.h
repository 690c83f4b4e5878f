#pragma once

namespace pipescope {

class RoleContext;

// The `fan-in` scenario. Producer K sends `count` random values at random intervals on its own
// pipe, then None.
int producerRole(RoleContext& context);
// The consumer holds one read end per producer and serves whichever is ready, using wait(),
// until every producer has sent None.
int consumerRole(RoleContext& context);

} // namespace pipescope
