package media

import (
	"encoding/binary"
	"image"
)

// jpegOrientation reads the EXIF orientation (1 to 8) of a JPEG; 1 when
// there is none or the data is malformed. Only the JPEG's own segments and
// IFD0 are read, with every offset bounds-checked.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF {
			i += 1 + boolInt(marker != 0xFF)
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data starts: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // Orientation, SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// orient turns img upright according to an EXIF orientation.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ow, oh := w, h
	if o >= 5 { // the four orientations that swap width and height
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for ny := 0; ny < oh; ny++ {
		for nx := 0; nx < ow; nx++ {
			var x, y int
			switch o {
			case 2: // mirrored
				x, y = w-1-nx, ny
			case 3: // upside down
				x, y = w-1-nx, h-1-ny
			case 4: // mirrored upside down
				x, y = nx, h-1-ny
			case 5: // transposed
				x, y = ny, nx
			case 6: // turned: rotate 90° clockwise to show
				x, y = ny, h-1-nx
			case 7: // transversed
				x, y = w-1-ny, h-1-nx
			case 8: // rotate 90° counter-clockwise to show
				x, y = w-1-ny, nx
			}
			s := img.PixOffset(img.Rect.Min.X+x, img.Rect.Min.Y+y)
			d := out.PixOffset(nx, ny)
			copy(out.Pix[d:d+4], img.Pix[s:s+4])
		}
	}
	return out
}
