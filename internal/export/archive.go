package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strconv"
	"time"

	"github.com/agora-social/agora/internal/activitypub"
	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/store"
)

// MediaDir is where the archive keeps the account's media files, under
// the storage key; notes in outbox.json name them by this path, as
// Mastodon's archives do.
const MediaDir = "media_attachments/files/"

// WriteArchive writes account's whole archive to w as a ZIP: actor.json
// (the actor, with its avatar and header as files beside it),
// outbox.json (every post and boost, oldest first, as Create and Announce
// activities; posts removed by a moderation decision are left out),
// likes.json and bookmarks.json (the ids of the posts), the account's
// media files, and the CSV lists. The private key is not included: it
// is of no use elsewhere, and a copy of it is a risk.
func (e *Exporter) WriteArchive(ctx context.Context, w io.Writer, a *domain.Account) error {
	z := zip.NewWriter(w)
	now := time.Now()
	if err := e.writeActor(ctx, z, a, now); err != nil {
		return err
	}
	copied, err := e.writeMedia(ctx, z, a, now)
	if err != nil {
		return err
	}
	if err := e.writeOutbox(ctx, z, a, copied, now); err != nil {
		return err
	}
	if err := e.writeRefs(ctx, z, "likes.json", now, e.Store.EachFavourite, a.ID); err != nil {
		return err
	}
	if err := e.writeRefs(ctx, z, "bookmarks.json", now, e.Store.EachBookmark, a.ID); err != nil {
		return err
	}
	for _, l := range Lists {
		f, err := create(z, l.Name, now, true)
		if err != nil {
			return err
		}
		if err := e.WriteCSV(ctx, f, l, a.ID); err != nil {
			return errf(l.Name, err)
		}
	}
	return z.Close()
}

func create(z *zip.Writer, name string, at time.Time, compress bool) (io.Writer, error) {
	h := &zip.FileHeader{Name: name, Modified: at, Method: zip.Store}
	if compress {
		h.Method = zip.Deflate
	}
	return z.CreateHeader(h)
}

// writeActor writes actor.json with the avatar and header beside it (the
// actor's icon and image then name those files).
func (e *Exporter) writeActor(ctx context.Context, z *zip.Writer, a *domain.Account, now time.Time) error {
	actor, err := e.Renderer.ArchiveActor(ctx, a)
	if err != nil {
		return errf("actor", err)
	}
	body, err := json.MarshalIndent(actor, "", "  ")
	if err != nil {
		return errf("actor", err)
	}
	for _, p := range []struct{ url, name string }{{a.AvatarURL, "avatar"}, {a.HeaderURL, "header"}} {
		name, err := e.copyFile(ctx, z, p.url, p.name, now)
		if err != nil {
			return errf(p.name, err)
		}
		if name != "" {
			body = replaceURL(body, p.url, name)
		}
	}
	f, err := create(z, "actor.json", now, true)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	return err
}

// copyFile copies the stored file behind url (one of this server's) into
// the archive as name plus its extension, and returns that name; "" when
// url is not a stored file.
func (e *Exporter) copyFile(ctx context.Context, z *zip.Writer, url, name string, now time.Time) (string, error) {
	if e.Files == nil || url == "" {
		return "", nil
	}
	key := e.Files.KeyOf(url)
	if key == "" {
		return "", nil
	}
	if name == "" {
		name = MediaDir + key
	} else {
		name += path.Ext(key)
	}
	r, err := e.Files.OpenKey(ctx, key)
	if errors.Is(err, domain.ErrNotFound) {
		return "", nil // a lost file: the archive goes on without it
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	f, err := create(z, name, now, false)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		return "", err
	}
	return name, nil
}

// collection is the start of an OrderedCollection document; its items
// and totalItems are written after it.
func collection(id string) []byte {
	ctx, _ := json.Marshal(activitypub.NoteContext)
	return []byte(`{"@context":` + string(ctx) + `,"id":"` + id + `","type":"OrderedCollection","orderedItems":[`)
}

// writeMedia copies the files of the account's statuses into the archive
// and returns the keys copied (a ZIP holds one open file at a time, so the
// files go in before outbox.json, which names them).
func (e *Exporter) writeMedia(ctx context.Context, z *zip.Writer, a *domain.Account, now time.Time) (map[string]bool, error) {
	copied := map[string]bool{}
	if e.Files == nil {
		return copied, nil
	}
	err := e.Store.EachOwnStatus(ctx, a.ID, func(st *domain.Status, media []*store.Media) error {
		for _, m := range media {
			if m.RemoteURL != "" || copied[m.FileKey] {
				continue
			}
			name, err := e.copyFile(ctx, z, e.Files.URL(m.FileKey), "", now)
			if err != nil {
				return errf("media "+m.ID.String(), err)
			}
			if name != "" {
				copied[m.FileKey] = true
			}
		}
		return nil
	})
	return copied, err
}

// writeOutbox writes outbox.json, one activity at a time, with the notes'
// attachments pointing at the copies in the archive.
func (e *Exporter) writeOutbox(ctx context.Context, z *zip.Writer, a *domain.Account, copied map[string]bool, now time.Time) error {
	out, err := create(z, "outbox.json", now, true)
	if err != nil {
		return err
	}
	if _, err := out.Write(collection("outbox.json")); err != nil {
		return err
	}
	n := 0
	err = e.Store.EachOwnStatus(ctx, a.ID, func(st *domain.Status, media []*store.Media) error {
		act, err := e.Renderer.ArchiveActivity(ctx, a, st)
		if err != nil {
			return errf("status "+st.ID.String(), err)
		}
		body, err := json.Marshal(act)
		if err != nil {
			return err
		}
		for _, m := range media {
			if copied[m.FileKey] {
				body = replaceURL(body, e.Files.URL(m.FileKey), "/"+MediaDir+m.FileKey)
			}
		}
		if n > 0 {
			body = append([]byte{','}, body...)
		}
		n++
		_, err = out.Write(body)
		return err
	})
	if err != nil {
		return err
	}
	_, err = out.Write([]byte(`],"totalItems":` + strconv.Itoa(n) + "}\n"))
	return err
}

// writeRefs writes an OrderedCollection of status ids (likes, bookmarks).
func (e *Exporter) writeRefs(ctx context.Context, z *zip.Writer, name string, now time.Time,
	each func(context.Context, domain.ID, func(store.StatusRef) error) error, account domain.ID) error {
	f, err := create(z, name, now, true)
	if err != nil {
		return err
	}
	if _, err := f.Write(collection(name)); err != nil {
		return err
	}
	n := 0
	err = each(ctx, account, func(ref store.StatusRef) error {
		uri, _ := json.Marshal(e.statusURI(ref))
		if n > 0 {
			uri = append([]byte{','}, uri...)
		}
		n++
		_, err := f.Write(uri)
		return err
	})
	if err != nil {
		return errf(name, err)
	}
	_, err = f.Write([]byte(`],"totalItems":` + strconv.Itoa(n) + "}\n"))
	return err
}

// replaceURL replaces a URL inside JSON text with another.
func replaceURL(body []byte, from, to string) []byte {
	f, _ := json.Marshal(from)
	t, _ := json.Marshal(to)
	return bytes.ReplaceAll(body, f[1:len(f)-1], t[1:len(t)-1])
}
