//===- Topology.h - Where cores and arrays are, and how data moves -*- C++
//-*-===//
//
// Private to the runtime library. Cores and arrays get flat indices (for
// resource tables); transfers get the directed links of their route. Routes
// are those of the compiler's xbar-route pass: XY on a chip's mesh (routers
// are tile / noc.tiles_per_router, row-major with noc.mesh_cols columns),
// and across chips from the source tile to router 0, over the chip links,
// then from router 0 to the destination tile.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_TOPOLOGY_H
#define CIM_RUNTIME_LIB_TOPOLOGY_H

#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"

#include <string>
#include <tuple>
#include <vector>

namespace cim::runtime::detail {

bool coreExists(const arch::ArchSpec &arch, const CoreId &core);
bool arrayExists(const arch::ArchSpec &arch, const ArrayId &array);
/// Dense indices in chip, tile, core (, array) order.
int64_t coreIndex(const arch::ArchSpec &arch, const CoreId &core);
int64_t arrayIndex(const arch::ArchSpec &arch, const ArrayId &array);
/// The core of a dense core index (inverse of coreIndex).
CoreId coreAt(const arch::ArchSpec &arch, int64_t index);

enum class LinkKind { Mesh, Chip };

/// One direction of one physical link: router `from` -> router `to` of
/// chip `chip` on the mesh, or chip `from` -> chip `to` between chips.
struct Link {
  LinkKind kind = LinkKind::Mesh;
  int64_t chip = 0, from = 0, to = 0;

  bool operator<(const Link &o) const {
    return std::tie(kind, chip, from, to) <
           std::tie(o.kind, o.chip, o.from, o.to);
  }
};

/// "chip 0 router 1->2" or "chip link 0->1".
std::string toString(const Link &link);

struct Route {
  int64_t hops = 0;
  int64_t chipHops = 0;
  /// In the order the data crosses them.
  std::vector<Link> links;
};

/// The route of a transfer; fails when the cores are on different chips of a
/// machine without chip links.
Status computeRoute(const arch::ArchSpec &arch, const CoreId &from,
                    const CoreId &to, Route &route);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_TOPOLOGY_H
