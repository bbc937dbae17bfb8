#!/bin/sh
# wa-send: local media checked (type by magic bytes, Meta's size limits), uploaded, sent by id.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/2000-send-lib.sh"
inbound 15551234567 60

# mkfile NAME MAGIC SIZE: a file starting with MAGIC (printf escapes), SIZE bytes.
mkfile() {
	printf "$2" >"$T/$1"
	head -c "$3" /dev/zero >>"$T/$1"
}
mkfile a.jpg '\377\330\377\340' 1000
mkfile b.png '\211PNG\r\n\032\n' 1000
mkfile big.jpg '\377\330\377\340' $((5 * 1024 * 1024))
mkfile s.webp 'RIFF\000\000\000\000WEBPVP8 ' 2000
mkfile bigs.webp 'RIFF\000\000\000\000WEBPVP8 ' $((100 * 1024))
mkfile anim.webp 'RIFF\000\000\000\000WEBPVP8X\000\000\000\000\002' $((200 * 1024))
mkfile v.ogg 'OggS' 500
mkfile m.mp3 'ID3' 500
mkfile r.pdf '%%PDF-1.4' 500
mkfile clip.mp4 '\000\000\000\030ftypisom' 500
printf 'hello\n' >"$T/notes.txt"
mkfile fake.jpg '%%PDF-1.4' 100
mkfile x.gif 'GIF89a' 100

exits 0 "a local image" wa-send --to 15551234567 --image "$T/a.jpg" --caption "look"
is "$(requests '[.method, .path, .content_type[0:19]]' | head -1)" \
	'["POST","/111111111111111/media","multipart/form-data"]' "uploaded first"
id=$(requests 'select(.path | endswith("/messages")) | .body.image.id' | head -1)
like "$id" '"*"' "then sent by the media id"
is "$(requests 'select(.path | endswith("/messages")) | .body.image.caption')" '"look"' "with the caption"
is "$(sql "SELECT type, media_mime, media_caption, media_id IS NOT NULL, status FROM messages WHERE direction = 'out'")" \
	"image|image/jpeg|look|1|sent" "recorded with MIME type and media id"

fake_ctl reset >/dev/null
exits 0 "a PNG, a PDF document, an mp3, a voice note, a sticker, a video" sh -c "
	wa-send --to 15551234567 --image $T/b.png &&
	wa-send --to 15551234567 --document $T/r.pdf &&
	wa-send --to 15551234567 --audio $T/m.mp3 &&
	wa-send --to 15551234567 --voice $T/v.ogg &&
	wa-send --to 15551234567 --sticker $T/s.webp &&
	wa-send --to 15551234567 --video $T/clip.mp4 &&
	wa-send --to 15551234567 --document $T/notes.txt --filename N.txt"
is "$(requests 'select(.path | endswith("/messages")) | .body.type' | tr '\n' ' ')" \
	'"image" "document" "audio" "audio" "sticker" "video" "document" ' "each type"
is "$(requests 'select(.body.document) | .body.document.filename' | tr '\n' ' ')" \
	'"r.pdf" "N.txt" ' "document filename: the file's name or --filename"
is "$(requests 'select(.body.audio) | .body.audio.voice' | tr '\n' ' ')" \
	'null true ' "--voice marks a voice note"

fake_ctl reset >/dev/null
exits 0 "a URL is sent as a link, not uploaded" wa-send --to 15551234567 --image https://example.com/a.jpg
is "$(requests '[.path, .body.image]')" '["/111111111111111/messages",{"link":"https://example.com/a.jpg"}]' "link"

fake_ctl reset >/dev/null
exits 1 "an image over 5 MiB" wa-send --to 15551234567 --image "$T/big.jpg"
is_json '[.error.code, .action]' '["media_too_large","fix_input"]' "media_too_large"
like "$(jf .error.message)" '*5 MiB*' "names the limit"
exits 1 "a static sticker of 100 KiB and 10 bytes" wa-send --to 15551234567 --sticker "$T/bigs.webp"
is_json .error.code '"media_too_large"' "100 KiB for static stickers"
exits 0 "an animated sticker of 200 KiB" wa-send --to 15551234567 --sticker "$T/anim.webp"
fake_ctl reset >/dev/null
exits 1 "a GIF as image" wa-send --to 15551234567 --image "$T/x.gif"
is_json .error.code '"media_type"' "media_type"
exits 1 "a PDF named .jpg" wa-send --to 15551234567 --image "$T/fake.jpg"
like "$(jf .error.message)" '*content is application/pdf but the name says image/jpeg*' "content and name disagree"
exits 1 "a PDF as image" wa-send --to 15551234567 --image "$T/r.pdf"
is_json .error.code '"media_type"' "not allowed for image"
exits 1 "an mp3 as voice note" wa-send --to 15551234567 --voice "$T/m.mp3"
like "$(jf .error.message)" '*voice note*' "voice notes are OGG/OPUS"
exits 66 "a missing file named by a flag: an input (66), nothing sent" wa-send --to 15551234567 --image "$T/none.jpg"
like "$(cat "$T/err")" "wa-send: invalid_input: cannot open '$T/none.jpg': No such file or directory" "names it"
exits 1 "a missing file named by a record: that record is rejected" sh -c 'echo "{\"to\":\"15551234567\",\"image\":\"$1\"}" | wa-send' sh "$T/none.jpg"
is_json .error.code '"invalid_input"' "cannot read"
exits 1 "a caption over 1024 characters" wa-send --to 15551234567 --image "$T/a.jpg" \
	--caption "$(head -c 1025 /dev/zero | tr '\0' c)"
is_json .error.code '"invalid_input"' "invalid_input"
exits 1 "a link that is not http(s)" sh -c 'echo "{\"to\":\"15551234567\",\"image\":{\"link\":\"ftp://x/a.jpg\"}}" | wa-send'
is_json .error.code '"invalid_input"' "invalid_input"
is "$(nrequests)" "0" "no request for any media refusal"

inbound 15559990000 86400
exits 1 "a local file to a closed session: the window first" wa-send --to 15559990000 --image "$T/a.jpg"
is_json .error.code '"window_closed"' "window_closed"
is "$(nrequests)" "0" "nothing uploaded"

exits 0 "--dry-run shows the upload step" wa-send --dry-run --to 15551234567 --image "$T/a.jpg"
is_json '[.upload.method, .upload.path, .upload.mime, .request.path, .request.body.image.id]' \
	'["POST","/111111111111111/media","image/jpeg","/111111111111111/messages","(media id from the upload)"]' "upload and send"
is "$(nrequests)" "0" "nothing sent"

fake_ctl fault '{"method":"POST","path_suffix":"/media","http":400,"code":100,"message":"Invalid parameter"}' >/dev/null
exits 1 "an upload Meta refuses" wa-send --to 15551234567 --image "$T/a.jpg"
is_json '[.error.code, .error.graph_code]' '["graph_error",100]' "Meta's error"
is "$(requests 'select(.path | endswith("/messages"))' | grep -c .)" "0" "no message sent"
is "$(sql "SELECT status FROM messages ORDER BY id DESC LIMIT 1")" "failed" "recorded failed"

done_testing
