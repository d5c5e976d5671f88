# The network path and certificates as they go wrong (issue 13), on 127.0.30.x: a port
# dropped by nftables, a host dropped whole, an IPv6 address (ULA on lo) dropped while IPv4
# works, an expired mail certificate beside a fresh HTTPS one, a leaf sent without its
# intermediate. Sourced by up (net_certs, net_up, net_state_env) and down (net_down).
# shellcheck shell=bash

NET_TABLE=mailcheck_test
# The IPv6 address of dual.test (a ULA, RFC 4193), added to lo; every packet to it is dropped.
NET_V6=fd6d:6373:1e::3
# The IPv6 network of noroute.test: an `unreachable` route, so a connection fails at once
# (EHOSTUNREACH), as with no route to the server.
NET_NOROUTE=fd6d:6373:1f::/64
# Set by net_up: why IPv6 could not be set up here (empty when it was).
NET_V6_MISSING=""

# net_certs: the certificates of 127.0.30.x, signed by the test CA (or by an intermediate of
# it), remade when the CA or their version below changes. Needs make_cert and $CERTS from up.
net_certs() {
  local plan
  # bump the version when the certificates below change
  plan=$( { echo "net certificates v1"; cat "$CERTS/ca.crt"; } | sha256sum | cut -d' ' -f1)
  [[ -s $CERTS/net-plan && $(cat "$CERTS/net-plan") == "$plan" && -s $CERTS/chain.crt ]] &&
    return 0
  log "making the certificates of 127.0.30.x in $CERTS"
  export SAN=DNS:unused # openssl.cnf reads ${ENV::SAN}; each certificate sets its own
  make_cert filtered valid imap.filtered.test mail.filtered.test filtered.test
  make_cert dual valid imap.dual.test mail.dual.test dual.test
  make_cert renewed-old expired imap.renewed.test renewed.test
  make_cert renewed-new valid imap.renewed.test renewed.test
  # an intermediate CA under the test CA, and chain.test's leaf signed by it; the server
  # sends the leaf only
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CERTS/chain-ca.key" 2>/dev/null
  openssl req -new -key "$CERTS/chain-ca.key" -subj "/CN=mailcheck test intermediate/O=mailcheck tests" \
    -config "$CERTS/openssl.cnf" -out "$CERTS/chain-ca.csr" 2>/dev/null
  openssl ca -batch -notext -config "$CERTS/openssl.cnf" -extensions ca_ext -days 3650 \
    -in "$CERTS/chain-ca.csr" -out "$CERTS/chain-ca.crt" 2>"$CERTS/openssl.err" ||
    { cat "$CERTS/openssl.err" >&2; die "openssl ca failed for the intermediate"; }
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CERTS/chain.key" 2>/dev/null
  chmod 644 "$CERTS/chain.key"
  openssl req -new -key "$CERTS/chain.key" -subj "/CN=imap.chain.test/O=mailcheck tests" \
    -config "$CERTS/openssl.cnf" -out "$CERTS/chain.csr" 2>/dev/null
  SAN="DNS:imap.chain.test,DNS:chain.test" openssl x509 -req -in "$CERTS/chain.csr" \
    -CA "$CERTS/chain-ca.crt" -CAkey "$CERTS/chain-ca.key" -CAcreateserial -days 3650 \
    -extfile "$CERTS/openssl.cnf" -extensions leaf_ext -out "$CERTS/chain.crt" 2>"$CERTS/openssl.err" ||
    { cat "$CERTS/openssl.err" >&2; die "openssl x509 failed for chain.test"; }
  rm -f "$CERTS"/chain*.csr
  echo "$plan" > "$CERTS/net-plan"
}

# net_up: IPv6 address on lo and the nftables rules, idempotently (the table is replaced as a
# whole). Prints nothing when nothing changed.
net_up() {
  if [[ $(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null || echo 1) != 0 ]]; then
    NET_V6_MISSING="IPv6 is disabled on lo (net.ipv6.conf.lo.disable_ipv6)"
  elif ! ip -6 addr show dev lo | grep -qF "inet6 $NET_V6/128"; then
    ip -6 addr add "$NET_V6/128" dev lo 2>"$STATE/net.err" ||
      NET_V6_MISSING="ip -6 addr add $NET_V6/128 dev lo failed: $(head -n1 "$STATE/net.err")"
  fi
  if [[ -z $NET_V6_MISSING ]]; then
    ip -6 route replace unreachable "$NET_NOROUTE" 2>"$STATE/net.err" ||
      NET_V6_MISSING="ip -6 route replace unreachable $NET_NOROUTE failed: $(head -n1 "$STATE/net.err")"
  fi
  local rules="$STATE/net.nft"
  cat > "$rules" <<EOF
table inet $NET_TABLE
delete table inet $NET_TABLE
table inet $NET_TABLE {
  chain input {
    type filter hook input priority -10; policy accept;
    # filtered.test: 993 dropped (143 answers)
    ip daddr 127.0.30.1 tcp dport 993 drop
    # down.test: the whole host dropped
    ip daddr 127.0.30.2 drop
    # dual.test: its IPv6 address dropped (IPv4 127.0.30.3 works)
    ip6 daddr $NET_V6 drop
  }
}
EOF
  nft -f "$rules" 2>"$STATE/net.err" ||
    die "nft could not set up the rules of 127.0.30.x: $(head -n3 "$STATE/net.err")"
}

# net_state_env: the lines of state.env about the network path.
net_state_env() {
  if [[ -z $NET_V6_MISSING ]]; then
    echo "MC_NET_IPV6=$NET_V6"
  else
    echo "MC_NET_IPV6="
    echo "MC_NET_IPV6_MISSING=$NET_V6_MISSING"
  fi
}

# net_down: what net_up set up, removed.
net_down() {
  if command -v nft >/dev/null && nft list table inet "$NET_TABLE" >/dev/null 2>&1; then
    nft delete table inet "$NET_TABLE"
  fi
  if ip -6 route show "$NET_NOROUTE" 2>/dev/null | grep -q unreachable; then
    ip -6 route del unreachable "$NET_NOROUTE"
  fi
  if ip -6 addr show dev lo 2>/dev/null | grep -qF "inet6 $NET_V6/128"; then
    ip -6 addr del "$NET_V6/128" dev lo
  fi
}
