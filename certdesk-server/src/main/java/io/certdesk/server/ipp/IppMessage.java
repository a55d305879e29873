package io.certdesk.server.ipp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IPP/1.1–2.x binary encoding (RFC 8010 §3): a request's header and attribute groups read
 * from a stream (which is left at the document data), and a response written group by group.
 * Limits: {@link #MAX_ATTRIBUTES} attributes, each value at most 32 KiB as the encoding allows.
 */
public final class IppMessage {
    public static final int MAX_ATTRIBUTES = 1_000;
    static final int END_OF_ATTRIBUTES = 0x03;

    /** Group delimiter tags (RFC 8010 §3.5.1). */
    public enum Group {
        OPERATION(0x01),
        JOB(0x02),
        PRINTER(0x04),
        UNSUPPORTED(0x05);

        final int tag;

        Group(int tag) {
            this.tag = tag;
        }
    }

    /** Value tags used here (RFC 8010 §3.5.2). */
    public enum ValueTag {
        INTEGER(0x21),
        BOOLEAN(0x22),
        ENUM(0x23),
        TEXT(0x41),
        NAME(0x42),
        KEYWORD(0x44),
        URI(0x45),
        CHARSET(0x47),
        NATURAL_LANGUAGE(0x48),
        MIME_MEDIA_TYPE(0x49),
        BEGIN_COLLECTION(0x34),
        END_COLLECTION(0x37),
        MEMBER_NAME(0x4A);

        final int tag;

        ValueTag(int tag) {
            this.tag = tag;
        }
    }

    /** One attribute as read: its group, name and raw values with their tags. */
    public record Attribute(int group, String name, List<Integer> tags, List<byte[]> values) {
        public Optional<String> text() {
            return values.isEmpty() ? Optional.empty() : Optional.of(new String(values.get(0), StandardCharsets.UTF_8));
        }
    }

    /** A request's header and attributes; the document data follows in the stream. */
    public record Request(int major, int minor, int operation, int requestId, List<Attribute> attributes) {
        public Optional<Attribute> attribute(String name) {
            return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
        }
    }

    /** A malformed request: answered with client-error-bad-request. */
    public static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private IppMessage() {}

    /** Reads the header and attribute groups, leaving {@code in} at the first byte of the document. */
    public static Request read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            int major = data.readUnsignedByte();
            int minor = data.readUnsignedByte();
            int operation = data.readUnsignedShort();
            int requestId = data.readInt();
            List<Attribute> attributes = new ArrayList<>();
            int group = -1;
            Attribute current = null;
            while (true) {
                int tag = data.readUnsignedByte();
                if (tag == END_OF_ATTRIBUTES) {
                    return new Request(major, minor, operation, requestId, List.copyOf(attributes));
                }
                if (tag < 0x10) {
                    group = tag;
                    current = null;
                    continue;
                }
                if (group < 0) {
                    throw new MalformedException("an attribute before any attribute group");
                }
                if (tag == 0x7F) {
                    throw new MalformedException("extension value tags are not supported");
                }
                String name = new String(readBytes(data, data.readUnsignedShort()), StandardCharsets.UTF_8);
                byte[] value = readBytes(data, data.readUnsignedShort());
                if (name.isEmpty()) {
                    if (current == null) {
                        throw new MalformedException("an additional value without an attribute");
                    }
                    current.tags().add(tag);
                    current.values().add(value);
                } else {
                    if (attributes.size() >= MAX_ATTRIBUTES) {
                        throw new MalformedException("more than " + MAX_ATTRIBUTES + " attributes");
                    }
                    current =
                            new Attribute(group, name, new ArrayList<>(List.of(tag)), new ArrayList<>(List.of(value)));
                    attributes.add(current);
                }
            }
        } catch (EOFException e) {
            throw new MalformedException("the request ends inside its attributes");
        }
    }

    private static byte[] readBytes(DataInputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** Writes a response: header, then groups added in order, then the end tag. */
    public static final class Response {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Response(int major, int minor, int status, int requestId) {
            out.write(major);
            out.write(minor);
            out.write(status >> 8);
            out.write(status);
            writeInt(requestId);
        }

        public Response group(Group group) {
            out.write(group.tag);
            return this;
        }

        public Response add(ValueTag tag, String name, String... values) {
            for (int i = 0; i < values.length; i++) {
                value(tag.tag, i == 0 ? name : "", values[i].getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        public Response addInts(ValueTag tag, String name, int... values) {
            for (int i = 0; i < values.length; i++) {
                byte[] bytes = {
                    (byte) (values[i] >> 24), (byte) (values[i] >> 16), (byte) (values[i] >> 8), (byte) values[i]
                };
                value(tag.tag, i == 0 ? name : "", bytes);
            }
            return this;
        }

        public Response addBoolean(String name, boolean value) {
            value(ValueTag.BOOLEAN.tag, name, new byte[] {(byte) (value ? 1 : 0)});
            return this;
        }

        /** A collection (RFC 8010 §3.1.6) of integer members and nested collections, written from a tree of maps. */
        public Response addCollection(String name, Map<String, Object> members) {
            value(ValueTag.BEGIN_COLLECTION.tag, name, new byte[0]);
            members(members);
            return this;
        }

        @SuppressWarnings("unchecked")
        private void members(Map<String, Object> members) {
            members.forEach((member, v) -> {
                value(ValueTag.MEMBER_NAME.tag, "", member.getBytes(StandardCharsets.UTF_8));
                if (v instanceof Integer number) {
                    value(ValueTag.INTEGER.tag, "", new byte[] {
                        (byte) (number >> 24), (byte) (number >> 16), (byte) (number >> 8), number.byteValue()
                    });
                } else if (v instanceof String keyword) {
                    value(ValueTag.KEYWORD.tag, "", keyword.getBytes(StandardCharsets.UTF_8));
                } else {
                    value(ValueTag.BEGIN_COLLECTION.tag, "", new byte[0]);
                    members((Map<String, Object>) v);
                }
            });
            value(ValueTag.END_COLLECTION.tag, "", new byte[0]);
        }

        private void value(int tag, String name, byte[] value) {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            out.write(tag);
            out.write(nameBytes.length >> 8);
            out.write(nameBytes.length);
            out.writeBytes(nameBytes);
            out.write(value.length >> 8);
            out.write(value.length);
            out.writeBytes(value);
        }

        private void writeInt(int value) {
            out.write(value >> 24);
            out.write(value >> 16);
            out.write(value >> 8);
            out.write(value);
        }

        public byte[] toBytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.write(END_OF_ATTRIBUTES);
            return copy.toByteArray();
        }
    }
}
