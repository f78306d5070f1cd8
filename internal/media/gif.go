package media

// animatedGIF reports whether a GIF holds more than one frame. It walks the
// block structure without decoding anything, so that a GIF of many large
// frames costs nothing to check (gif.DecodeAll would decode them all).
func animatedGIF(data []byte) bool {
	if len(data) < 13 || string(data[:3]) != "GIF" {
		return false
	}
	i := 13
	if data[10]&0x80 != 0 { // global colour table
		i += 3 << (data[10]&7 + 1)
	}
	frames := 0
	for i < len(data) {
		switch data[i] {
		case 0x21: // extension: label, then data sub-blocks
			i = skipSubBlocks(data, i+2)
		case 0x2C: // image: descriptor, local colour table, LZW size, sub-blocks
			if frames++; frames > 1 {
				return true
			}
			if i+10 > len(data) {
				return false
			}
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i = skipSubBlocks(data, i+1)
		default: // 0x3B trailer, or garbage
			return false
		}
	}
	return false
}

// skipSubBlocks returns the index after the sub-blocks starting at i.
func skipSubBlocks(data []byte, i int) int {
	for i < len(data) {
		n := int(data[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return len(data)
}
