#!/usr/bin/env bash
# usage: scripts/services/kafka/make-tls.sh DIR
# Makes the Kafka SASL_SSL listener's certificate with openssl (Debian's): a CA (DIR/ca.pem,
# what clients trust) and a broker certificate for 127.0.0.1 and localhost, written as a PEM
# keystore (DIR/broker-keystore.pem: unencrypted PKCS#8 key, then the certificate). Used by
# scripts/services/lib/kafka.sh and, for Docker users, by docker-compose.yml. Keeps a set that
# is still valid for a day; exits non-zero with openssl's messages when it fails.
set -euo pipefail
dir="${1:?usage: make-tls.sh DIR}"
if [ -s "$dir/broker-keystore.pem" ] && [ -s "$dir/ca.pem" ] &&
  openssl x509 -checkend 86400 -noout -in "$dir/broker.pem" >/dev/null 2>&1; then
  exit 0
fi
rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 3650 -subj "/CN=genrf-collector services CA" 2>/dev/null
openssl req "${ec[@]}" -keyout broker.key -out broker.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >broker.ext
openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 3650 -extfile broker.ext 2>/dev/null
cat broker.key broker.pem >broker-keystore.pem
chmod 644 ca.pem broker-keystore.pem
