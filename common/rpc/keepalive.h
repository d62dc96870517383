// Keepalive: how every gRPC connection of the cluster notices a peer that vanished
// without closing anything (its link went down, its host lost power, a partition).
//
// Without it a call to such a peer waits for its deadline (five minutes for a shuffle
// fetch), and a stream without a deadline (a task stream, a watch) waits forever: TCP
// gives up only on unacknowledged data, and only after about 15 minutes. With it each
// side sends an HTTP/2 PING every kKeepaliveTime and closes the connection when the
// answer takes longer than kKeepaliveTimeout, so every call on a dead connection fails
// with UNAVAILABLE within kKeepaliveTime + kKeepaliveTimeout (5 s). Callers then fail
// over or retry: a reduce task reports a fetch failure and its driver recomputes the
// lost map output, a driver gives up on the executor's task stream.
//
// The two sides must agree: a server that receives pings more often than it allows
// answers with GOAWAY ("too many pings") and the client backs off. Servers here accept a
// ping every kMinPingInterval, half the clients' period, whatever the number of calls.
#ifndef CENTELLA_COMMON_RPC_KEEPALIVE_H_
#define CENTELLA_COMMON_RPC_KEEPALIVE_H_

#include "absl/time/time.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/channel_arguments.h"

namespace centella {

// Idle time after which a side pings its peer.
inline constexpr absl::Duration kKeepaliveTime = absl::Seconds(2);
// How long an unanswered ping keeps the connection open. Generous against a peer that is
// busy (the answer comes from gRPC's own threads, not the application's), short against
// one that is gone: a live peer on a LAN answers in well under a millisecond.
inline constexpr absl::Duration kKeepaliveTimeout = absl::Seconds(3);
// The shortest interval between pings a server accepts.
inline constexpr absl::Duration kMinPingInterval = absl::Seconds(1);

// Client side: ping the server as above, also while no call is active (so that a dead
// connection is replaced before the next call instead of swallowing it), with no limit
// on pings without data (a stream waiting for a long task sends no data for minutes).
void AddClientKeepalive(grpc::ChannelArguments& args);

// Server side: ping clients the same way, and accept their pings (see above).
void AddServerKeepalive(grpc::ServerBuilder& builder);

}  // namespace centella

#endif  // CENTELLA_COMMON_RPC_KEEPALIVE_H_
