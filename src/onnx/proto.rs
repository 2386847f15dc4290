//! The Protocol Buffers wire format, as far as writing an ONNX file needs it: integers as
//! varints, floats as fixed32, and length-delimited strings, bytes and nested messages.

/// One protobuf message being written; fields appear in the order they are added.
#[derive(Debug, Default, Clone)]
pub struct Message {
    bytes: Vec<u8>,
}

/// Wire type of varint fields.
const VARINT: u64 = 0;
/// Wire type of length-delimited fields.
const LENGTH_DELIMITED: u64 = 2;
/// Wire type of 32-bit fields.
const FIXED32: u64 = 5;

/// Appends `value` as a base-128 varint, least significant group first.
fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

impl Message {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, field: u32, wire_type: u64) {
        put_varint(&mut self.bytes, (u64::from(field) << 3) | wire_type);
    }

    /// An int32, int64 or enum field; a negative value takes ten bytes, as the format says.
    pub fn int(&mut self, field: u32, value: i64) -> &mut Self {
        self.key(field, VARINT);
        put_varint(&mut self.bytes, value as u64);
        self
    }

    /// A float field.
    pub fn float(&mut self, field: u32, value: f32) -> &mut Self {
        self.key(field, FIXED32);
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A bytes field.
    pub fn bytes(&mut self, field: u32, value: &[u8]) -> &mut Self {
        self.key(field, LENGTH_DELIMITED);
        put_varint(&mut self.bytes, value.len() as u64);
        self.bytes.extend_from_slice(value);
        self
    }

    /// A string field.
    pub fn string(&mut self, field: u32, value: &str) -> &mut Self {
        self.bytes(field, value.as_bytes())
    }

    /// A nested message field.
    pub fn message(&mut self, field: u32, value: &Message) -> &mut Self {
        self.bytes(field, &value.bytes)
    }

    /// The encoded message.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::Message;

    // The examples of the Protocol Buffers encoding guide.
    #[test]
    fn fields_encode_as_the_wire_format_specifies() {
        let mut m = Message::new();
        m.int(1, 150);
        assert_eq!(m.clone().into_bytes(), [0x08, 0x96, 0x01]);
        let mut s = Message::new();
        s.string(2, "testing");
        assert_eq!(s.clone().into_bytes(), b"\x12\x07testing");
        let mut outer = Message::new();
        outer.message(3, &m);
        assert_eq!(outer.into_bytes(), [0x1a, 0x03, 0x08, 0x96, 0x01]);
    }

    #[test]
    fn negative_integers_take_ten_bytes_and_floats_four() {
        let mut m = Message::new();
        m.int(1, -1).float(2, 1.0);
        let bytes = m.into_bytes();
        assert_eq!(&bytes[..11], [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        assert_eq!(&bytes[11..], [0x15, 0x00, 0x00, 0x80, 0x3f]);
    }
}
