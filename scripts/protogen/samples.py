"""Sample values of every generated message, and their encodings by Python's protobuf library.

Emits a Swift test fixture: for each message (and for each member of each oneof), a value with every field
set to a non-default value, as a Swift expression, next to the bytes the reference implementation encodes it
to. The Swift tests check encode(sample) == reference bytes and decode(reference bytes) == sample.
"""

from google.protobuf import descriptor_pool, message_factory, descriptor_pb2

FDP = descriptor_pb2.FieldDescriptorProto
MAX_DEPTH = 3


def swift_string(text):
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    return '"' + "".join(out) + '"'


class SampleBuilder:
    def __init__(self, files, registry, camel, ident, enum_case_name):
        self.pool = descriptor_pool.DescriptorPool()
        # A file must be added after the files it imports.
        by_name = {f.name: f for f in files}
        added = set()

        def add(f):
            if f.name in added:
                return
            for dependency in f.dependency:
                add(by_name[dependency])
            self.pool.Add(f)
            added.add(f.name)

        for f in files:
            add(f)
        self.reg = registry
        self.camel = camel
        self.ident = ident
        self.enum_case_name = enum_case_name

    def scalar(self, field, salt):
        t = field.type
        n = field.number + salt
        if t in (FDP.TYPE_INT32, FDP.TYPE_SINT32, FDP.TYPE_SFIXED32):
            v = -(n * 1000 + 7) if n % 2 else n * 100003
            return v, "Int32(%d)" % v
        if t in (FDP.TYPE_INT64, FDP.TYPE_SINT64, FDP.TYPE_SFIXED64):
            v = -(n * 10 ** 12 + 9) if n % 2 else n * 10 ** 13 + 5
            return v, "Int64(%d)" % v
        if t in (FDP.TYPE_UINT32, FDP.TYPE_FIXED32):
            v = 4000000000 - n
            return v, "UInt32(%d)" % v
        if t in (FDP.TYPE_UINT64, FDP.TYPE_FIXED64):
            v = 2 ** 63 + n
            return v, "UInt64(%d)" % v
        if t == FDP.TYPE_BOOL:
            return True, "true"
        if t == FDP.TYPE_FLOAT:
            v = 1.5 + n
            return v, "Float(%r)" % v
        if t == FDP.TYPE_DOUBLE:
            v = -0.25 - n * 1e10
            return v, "Double(%r)" % v
        if t == FDP.TYPE_STRING:
            v = "%s-%d \u00fc\u4e16\U0001F600" % (field.name, n)
            return v, swift_string(v)
        if t == FDP.TYPE_BYTES:
            v = bytes([0, 1, 0xFF, n % 256, 0x80])
            return v, "[%s] as [UInt8]" % ", ".join(str(b) for b in v)
        raise ValueError(t)

    def enum_value(self, field):
        swift, enum = self.reg.enums[field.type_name]
        value = enum.value[-1]
        return value.number, "%s.%s" % (swift, self.enum_case_name(enum, value.name).strip("`"))

    def single(self, field, depth, salt):
        """(python value or filler function, swift expression) of one value of `field`'s type."""
        if field.type == FDP.TYPE_MESSAGE:
            msg = self.sample(field.type_name, depth + 1, salt)
            return msg
        if field.type == FDP.TYPE_ENUM:
            return self.enum_value(field)
        return self.scalar(field, salt)

    def sample(self, type_name, depth, salt=0, oneof_choice=None):
        """Returns (python message, swift expression)."""
        swift, msg, _ = self.reg.messages[type_name]
        cls = message_factory.GetMessageClass(self.pool.FindMessageTypeByName(type_name[1:]))
        py = cls()
        args = []
        if depth > MAX_DEPTH:
            if type_name == ".google.protobuf.Value":
                # A Value is JSON, which has no value without a kind: the innermost ones are null.
                py.null_value = 0
                return py, "%s(kind: .nullValue(Google_Protobuf_NullValue.nullValue))" % swift
            return py, "%s()" % swift
        oneof_done = set()
        # The generated initialiser takes the plain fields first, then the oneofs in declaration order.
        oneof_args = []
        for field in sorted(msg.field, key=lambda f: f.number):
            name = self.camel(field.name)
            if field.HasField("oneof_index"):
                idx = field.oneof_index
                members = [f for f in msg.field if f.HasField("oneof_index") and f.oneof_index == idx]
                chosen = (oneof_choice or {}).get(idx, members[-1].number)
                if field.number != chosen or idx in oneof_done:
                    continue
                oneof_done.add(idx)
                value_py, value_swift = self.single(field, depth, salt)
                self.assign(py, field, value_py)
                oneof_args.append((idx, self.camel(msg.oneof_decl[idx].name),
                                   ".%s(%s)" % (self.ident(name), value_swift)))
                continue
            if self.reg.is_map(field):
                entry = self.reg.messages[field.type_name][1]
                key_f, val_f = sorted(entry.field, key=lambda f: f.number)
                pairs = []
                for k in range(2):
                    kp, ks = self.single(key_f, depth, salt + k)
                    vp, vs = self.single(val_f, depth, salt + k)
                    target = getattr(py, field.name)
                    if val_f.type == FDP.TYPE_MESSAGE:
                        target[kp].CopyFrom(vp)
                    else:
                        target[kp] = vp
                    pairs.append("%s: %s" % (ks, vs))
                args.append((name, "[%s]" % ", ".join(pairs)))
                continue
            if field.label == FDP.LABEL_REPEATED:
                items = []
                for k in range(2):
                    vp, vs = self.single(field, depth, salt + k)
                    target = getattr(py, field.name)
                    if field.type == FDP.TYPE_MESSAGE:
                        target.add().CopyFrom(vp)
                    else:
                        target.append(vp)
                    items.append(vs)
                args.append((name, "[%s]" % ", ".join(items)))
                continue
            vp, vs = self.single(field, depth, salt)
            self.assign(py, field, vp)
            args.append((name, vs))
        args += [(n, v) for _, n, v in sorted(oneof_args)]
        return py, "%s(%s)" % (swift, ", ".join("%s: %s" % (n, v) for n, v in args))

    def assign(self, py, field, value):
        if field.type == FDP.TYPE_MESSAGE:
            getattr(py, field.name).CopyFrom(value)
        else:
            setattr(py, field.name, value)

    def all_samples(self):
        out = []
        for full in sorted(self.reg.messages):
            swift, msg, _ = self.reg.messages[full]
            if msg.options.map_entry:
                continue
            choices = [None]
            for idx in range(len(msg.oneof_decl)):
                for f in msg.field:
                    if f.HasField("oneof_index") and f.oneof_index == idx:
                        choices.append({idx: f.number})
            for choice in choices:
                py, expr = self.sample(full, 0, 0, choice)
                out.append((full[1:], expr, py.SerializeToString(deterministic=True)))
        return out


def render(files, registry, camel, ident, enum_case_name, header):
    builder = SampleBuilder(files, registry, camel, ident, enum_case_name)
    lines = [header.format(source="every message in proto/").rstrip("\n"), "",
             "import MetagovProto", "",
             "/// A sample of every message with every field set (one per oneof member), and the bytes Python's",
             "/// protobuf library encodes it to (deterministic serialization).",
             "let messageSamples: [MessageSample] = ["]
    for name, expr, data in builder.all_samples():
        lines.append("    MessageSample(")
        lines.append("        name: %s," % swift_string(name))
        lines.append("        value: %s," % expr)
        lines.append("        reference: [%s]" % ", ".join(str(b) for b in data))
        lines.append("    ),")
    lines.append("]")
    return "\n".join(lines) + "\n"
