//===- Topology.cpp - Where cores and arrays are, and how data moves ------===//

#include "Topology.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

bool detail::coreExists(const arch::ArchSpec &arch, const CoreId &core) {
  const arch::Hierarchy &h = arch.hierarchy;
  return core.chip >= 0 && core.chip < h.chips && core.tile >= 0 &&
         core.tile < h.tilesPerChip && core.core >= 0 &&
         core.core < h.coresPerTile;
}

bool detail::arrayExists(const arch::ArchSpec &arch, const ArrayId &array) {
  return coreExists(arch, array.core) && array.array >= 0 &&
         array.array < arch.hierarchy.arraysPerCore;
}

int64_t detail::coreIndex(const arch::ArchSpec &arch, const CoreId &core) {
  const arch::Hierarchy &h = arch.hierarchy;
  return (core.chip * h.tilesPerChip + core.tile) * h.coresPerTile + core.core;
}

int64_t detail::arrayIndex(const arch::ArchSpec &arch, const ArrayId &array) {
  return coreIndex(arch, array.core) * arch.hierarchy.arraysPerCore +
         array.array;
}

CoreId detail::coreAt(const arch::ArchSpec &arch, int64_t index) {
  const arch::Hierarchy &h = arch.hierarchy;
  CoreId core;
  core.core = index % h.coresPerTile;
  core.tile = index / h.coresPerTile % h.tilesPerChip;
  core.chip = index / h.coresPerTile / h.tilesPerChip;
  return core;
}

std::string detail::toString(const Link &link) {
  if (link.kind == LinkKind::Chip)
    return "chip link " + std::to_string(link.from) + "->" +
           std::to_string(link.to);
  return "chip " + std::to_string(link.chip) + " router " +
         std::to_string(link.from) + "->" + std::to_string(link.to);
}

/// XY routing between two routers of chip `chip`: along the row (X) first,
/// then along the column (Y).
static void meshRoute(const arch::ArchSpec &arch, int64_t chip, int64_t tileA,
                      int64_t tileB, Route &route) {
  const int64_t cols = arch.noc.meshCols;
  int64_t at = tileA / arch.noc.tilesPerRouter;
  const int64_t target = tileB / arch.noc.tilesPerRouter;
  auto step = [&](int64_t next) {
    route.links.push_back({LinkKind::Mesh, chip, at, next});
    ++route.hops;
    at = next;
  };
  while (at % cols != target % cols)
    step(at % cols < target % cols ? at + 1 : at - 1);
  while (at / cols != target / cols)
    step(at / cols < target / cols ? at + cols : at - cols);
}

Status detail::computeRoute(const arch::ArchSpec &arch, const CoreId &from,
                            const CoreId &to, Route &route) {
  route = Route();
  if (from.chip == to.chip) {
    meshRoute(arch, from.chip, from.tile, to.tile, route);
    return Status::ok();
  }
  const int64_t chips = arch.hierarchy.chips;
  int64_t step = to.chip > from.chip ? 1 : -1;
  switch (arch.chipLink.topology) {
  case arch::ChipLinkTopology::None:
    return Status::error("chips " + std::to_string(from.chip) + " and " +
                         std::to_string(to.chip) + " of '" + arch.name +
                         "' are not linked (chip_link.topology is none)");
  case arch::ChipLinkTopology::Ring: {
    // The shorter way round; forwards on a tie (xbar-route counts the same
    // distance either way).
    const int64_t forward = ((to.chip - from.chip) % chips + chips) % chips;
    step = forward <= chips - forward ? 1 : -1;
    break;
  }
  case arch::ChipLinkTopology::Chain:
  case arch::ChipLinkTopology::AllToAll:
    break;
  }
  meshRoute(arch, from.chip, from.tile, 0, route);
  if (arch.chipLink.topology == arch::ChipLinkTopology::AllToAll) {
    route.links.push_back({LinkKind::Chip, 0, from.chip, to.chip});
    route.chipHops = 1;
  } else {
    for (int64_t chip = from.chip; chip != to.chip;) {
      const int64_t next = ((chip + step) % chips + chips) % chips;
      route.links.push_back({LinkKind::Chip, 0, chip, next});
      ++route.chipHops;
      chip = next;
    }
  }
  meshRoute(arch, to.chip, 0, to.tile, route);
  return Status::ok();
}
