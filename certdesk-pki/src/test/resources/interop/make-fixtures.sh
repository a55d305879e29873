#!/usr/bin/env bash
# Regenerates the PKCS#12 interop fixtures with the tools admins export with: OpenSSL 3
# (default and -legacy), keytool, and the JDK KeyStore API. Every certificate is valid for 100
# years from the day this runs, for the name print.interop.test.
# Usage: certdesk-pki/src/test/resources/interop/make-fixtures.sh   (needs openssl 3, a JDK)
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=interop-pass
days=36500

# A root, an issuing CA and a leaf, as a small private CA would have them.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/root.key" -out "$work/root.pem" -days $days -sha256 \
  -subj "/O=Interop/CN=Interop Root CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/issuing.key" -out "$work/issuing.csr" \
  -subj "/O=Interop/CN=Interop Issuing CA"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$work/ca.ext"
openssl x509 -req -in "$work/issuing.csr" -CA "$work/root.pem" -CAkey "$work/root.key" -CAcreateserial -days $days -sha256 \
  -extfile "$work/ca.ext" -out "$work/issuing.pem"
openssl req -newkey rsa:2048 -nodes -keyout "$work/leaf.key" -out "$work/leaf.csr" -subj "/CN=print.interop.test"
printf 'subjectAltName=DNS:print.interop.test\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > "$work/leaf.ext"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/issuing.pem" -CAkey "$work/issuing.key" -CAcreateserial -days $days -sha256 \
  -extfile "$work/leaf.ext" -out "$work/leaf.pem"
cat "$work/issuing.pem" "$work/root.pem" > "$work/cas.pem"
cp "$work/root.pem" interop-root.pem

# OpenSSL 3 default: PBES2 / AES-256-CBC / PBKDF2-SHA256, SHA-256 MAC.
openssl pkcs12 -export -inkey "$work/leaf.key" -in "$work/leaf.pem" -certfile "$work/cas.pem" -name server \
  -passout pass:$pass -out openssl3-default.p12
# OpenSSL 3 -legacy: RC2-40 certificates, 3DES key, SHA-1 MAC (what OpenSSL 1.x and older Windows write).
openssl pkcs12 -export -legacy -inkey "$work/leaf.key" -in "$work/leaf.pem" -certfile "$work/cas.pem" -name server \
  -passout pass:$pass -out openssl3-legacy.p12
# No password at all: nothing encrypted, no MAC.
openssl pkcs12 -export -inkey "$work/leaf.key" -in "$work/leaf.pem" -keypbe NONE -certpbe NONE -nomac \
  -passout pass: -out openssl3-no-password.p12
# Certificates only.
openssl pkcs12 -export -nokeys -in "$work/cas.pem" -passout pass:$pass -out openssl3-certificates-only.p12

# keytool: a self-signed key pair with a SAN (keytool writes one password for store and key).
rm -f keytool.p12
keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=print.interop.test" \
  -ext san=dns:print.interop.test -ext eku=serverAuth -validity $days -storetype PKCS12 \
  -keystore keytool.p12 -storepass $pass -keypass $pass >/dev/null 2>&1

# The JDK KeyStore API with a key password different from the store password.
cat > "$work/MakeJdkFixture.java" <<'JAVA'
import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.*;

public class MakeJdkFixture {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        String pem = Files.readString(dir.resolve("leaf.key"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> chain = new ArrayList<>();
        for (String f : new String[] {"leaf.pem", "issuing.pem", "root.pem"}) {
            try (InputStream in = Files.newInputStream(dir.resolve(f))) { chain.add(cf.generateCertificate(in)); }
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, a[2].toCharArray(), chain.toArray(new Certificate[0]));
        try (OutputStream out = Files.newOutputStream(Path.of(a[3]))) { ks.store(out, a[1].toCharArray()); }
    }
}
JAVA
java "$work/MakeJdkFixture.java" "$work" $pass other-key-pass jdk-different-key-password.p12
java "$work/MakeJdkFixture.java" "$work" $pass $pass jdk.p12
echo "fixtures written to $(pwd)"
