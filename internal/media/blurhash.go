package media

import (
	"image"
	"math"
	"strings"
)

// Blurhash components, as Mastodon uses them.
const blurhashX, blurhashY = 4, 3

const base83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

// Blurhash encodes img (best given small: every pixel is read
// blurhashX*blurhashY times) with the algorithm of blurha.sh.
func Blurhash(img *image.RGBA) string {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return ""
	}
	// Linear RGB of every pixel, computed once.
	lin := make([][3]float64, w*h)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			p := row[x*4:]
			lin[y*w+x] = [3]float64{srgbToLinear(p[0]), srgbToLinear(p[1]), srgbToLinear(p[2])}
		}
	}
	factors := make([][3]float64, 0, blurhashX*blurhashY)
	for j := 0; j < blurhashY; j++ {
		for i := 0; i < blurhashX; i++ {
			var f [3]float64
			for y := 0; y < h; y++ {
				by := math.Cos(math.Pi * float64(j) * float64(y) / float64(h))
				for x := 0; x < w; x++ {
					b := math.Cos(math.Pi*float64(i)*float64(x)/float64(w)) * by
					px := lin[y*w+x]
					f[0] += b * px[0]
					f[1] += b * px[1]
					f[2] += b * px[2]
				}
			}
			norm := 2.0
			if i == 0 && j == 0 {
				norm = 1
			}
			scale := norm / float64(w*h)
			factors = append(factors, [3]float64{f[0] * scale, f[1] * scale, f[2] * scale})
		}
	}
	var b strings.Builder
	writeBase83(&b, (blurhashX-1)+(blurhashY-1)*9, 1)
	ac := factors[1:]
	maxValue := 1.0
	if len(ac) > 0 {
		actual := 0.0
		for _, f := range ac {
			actual = math.Max(actual, math.Max(math.Abs(f[0]), math.Max(math.Abs(f[1]), math.Abs(f[2]))))
		}
		q := int(math.Max(0, math.Min(82, math.Floor(actual*166-0.5))))
		maxValue = float64(q+1) / 166
		writeBase83(&b, q, 1)
	} else {
		writeBase83(&b, 0, 1)
	}
	dc := factors[0]
	writeBase83(&b, linearToSrgb(dc[0])<<16+linearToSrgb(dc[1])<<8+linearToSrgb(dc[2]), 4)
	for _, f := range ac {
		q := func(v float64) int {
			return int(math.Max(0, math.Min(18, math.Floor(signPow(v/maxValue, 0.5)*9+9.5))))
		}
		writeBase83(&b, q(f[0])*19*19+q(f[1])*19+q(f[2]), 2)
	}
	return b.String()
}

func writeBase83(b *strings.Builder, v, length int) {
	for i := 1; i <= length; i++ {
		d := (v / int(math.Pow(83, float64(length-i)))) % 83
		b.WriteByte(base83[d])
	}
}

func srgbToLinear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func linearToSrgb(v float64) int {
	v = math.Max(0, math.Min(1, v))
	if v <= 0.0031308 {
		return int(v*12.92*255 + 0.5)
	}
	return int((1.055*math.Pow(v, 1/2.4)-0.055)*255 + 0.5)
}

func signPow(v, exp float64) float64 {
	return math.Copysign(math.Pow(math.Abs(v), exp), v)
}
