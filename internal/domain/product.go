package domain

// Version is agora's version, shown in the instance's version string, in
// NodeInfo and in the User-Agent of outgoing requests.
const Version = "0.1.0"

// AvatarMissing and HeaderMissing are the paths of the placeholder images
// served for accounts without an avatar or header.
const (
	AvatarMissing = "/avatars/original/missing.png"
	HeaderMissing = "/headers/original/missing.png"
)
