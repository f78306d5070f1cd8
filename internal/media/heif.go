package media

import (
	"bytes"
	"encoding/binary"
	"image"

	"github.com/gen2brain/avif"
	"github.com/gen2brain/heic"
)

// AVIF and HEIC are decoded by gen2brain/avif and gen2brain/heic: libavif,
// libheif and libde265 compiled to WebAssembly and run by wazero, so a
// crafted file stays inside the WebAssembly sandbox. (Both packages load a
// system libavif.so or libheif.so instead when one is installed: build
// with -tags nodynamic to always use the sandboxed code.)

// sniffMore recognises what http.DetectContentType does not: ISO base
// media files by their brands (AVIF, HEIC, QuickTime, M4A), FLAC, and MP3
// without an ID3 tag. It returns "" otherwise.
func sniffMore(data []byte) string {
	switch {
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return ftypType(data)
	case bytes.HasPrefix(data, []byte("fLaC")):
		return "audio/flac"
	case len(data) >= 4 && data[0] == 0xFF && data[1]&0xE0 == 0xE0 && data[1]>>1&3 == 1 && data[2]>>4 != 0xF:
		return "audio/mpeg" // an MPEG audio layer III frame header
	}
	return ""
}

// ftypType names an ISO base media file by its major and compatible
// brands; "" leaves it to http.DetectContentType (MP4).
func ftypType(data []byte) string {
	size := int(binary.BigEndian.Uint32(data[:4]))
	if size < 16 || size > len(data) {
		size = min(len(data), 64)
	}
	brands := []string{string(data[8:12])}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(data[i:i+4]))
	}
	switch brands[0] {
	case "avif", "avis":
		return "image/avif"
	case "heic", "heix", "heim", "heis", "hevc", "hevx":
		return "image/heic"
	case "qt  ":
		return "video/quicktime"
	case "M4A ":
		return "audio/mp4"
	case "mif1", "msf1":
		for _, b := range brands[1:] {
			switch b {
			case "avif", "avis":
				return "image/avif"
			case "heic", "heix":
				return "image/heic"
			}
		}
	}
	return ""
}

// heifSlot lets one AVIF or HEIC decode run at a time in the process: one
// 12-megapixel decode peaks at about 1.2 GB (docs/performance.md, "Media"),
// so parallel uploads must not multiply it. Process-wide on purpose: the
// memory it guards is the process's.
var heifSlot = make(chan struct{}, 1)

// heifConfig reads an AVIF or HEIC file's dimensions from its header,
// without decoding the image.
func heifConfig(data []byte, format string) (image.Config, error) {
	if format == "avif" {
		return avif.DecodeConfig(bytes.NewReader(data))
	}
	return heic.DecodeConfig(bytes.NewReader(data))
}

// heifDecode decodes an AVIF (its first frame) or HEIC file.
func heifDecode(data []byte, format string) (image.Image, error) {
	heifSlot <- struct{}{}
	defer func() { <-heifSlot }()
	if format == "avif" {
		return avif.Decode(bytes.NewReader(data))
	}
	return heic.Decode(bytes.NewReader(data))
}
