// Checks across keys and nodes, after each value was checked on its own.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/diagnostic.h"
#include "installer/answers/cluster.h"

namespace kha::answers {

// Where each written key stood, by "section.key" (and "node" for the [[node]]
// array); keys left at their default are absent, and messages then point at
// what was written.
using KeyPlaces = std::map<std::string, Place, std::less<>>;

// Port clashes on a node, overlapping networks, duplicate or missing nodes,
// the etcd quorum. `cluster.nodes` holds only the nodes whose tables were
// read; a node whose name or ip was invalid has that place unset and is
// skipped by the checks that need it.
void ValidateCluster(const Cluster& cluster, const KeyPlaces& places, Diagnostics& diagnostics);

}  // namespace kha::answers
