# SPDX-License-Identifier: MIT
# Bash completion for the wa tools: subcommands, their options (read from the
# tool's --help), option values the help lists (open|closed), files, and the
# desk's channel ids, WABA ids, view and template names (read from the
# database through the tools' own --json output; a database that does not
# exist is never created by a TAB).

# The subcommands of each tool; second-level ones as "word sub".
_wa_subcommands() {
	case $1 in
	wa-connect) echo business add-number add request-code verify register \
		list show \
		disconnect profile ;;
	wa-recv) echo replay events serve media ;;
	wa-template) echo sync list show create delete send set pull diff \
		push lint ;;
	wa-view) echo list show search assign unassign close reopen history \
		create watch views delete contacts audit quarantine agents route ;;
	wa-quota) echo status set check history log forecast billing ;;
	wa-webhook) echo batch ;;	# besides its TYPEs
	wa-db) echo migrate check backup copy ;;
	esac
}

# _wa_help TOOL: its --help, read once a shell.
declare -gA _wa_help_cache 2>/dev/null || true
_wa_help() {
	if [[ -z ${_wa_help_cache[$1]+set} ]]; then
		_wa_help_cache[$1]=$("$1" --help 2>/dev/null)
	fi
	printf '%s\n' "${_wa_help_cache[$1]}"
}

# _wa_usage TOOL SUB: the usage entries of SUB (the whole help without SUB):
# a line naming the tool, with the indented lines that continue it; the
# lines of common options go with every subcommand.
_wa_usage() {
	_wa_help "$1" | awk -v tool="$1" -v sc="$2" '
		sc == "" { print; next }
		{ line = $0; sub(/^usage:/, "", line); split(line, w, " ") }
		w[1] == tool {
			rest = " " substr(line, index(line, tool) + length(tool)) " "
			keep = (w[2] == sc || w[2] == "[" sc "]" ||
			    index(rest, " | " sc " ") || w[2] == "command")
			if (keep) print line
			next
		}
		/^[a-z ]*(common|options)[a-z ]*:/ { print; keep = 0; next }
		/^[^ ]/ { keep = 0; next }
		keep { print }'
}

# _wa_values TOOL SUB OPT: what OPT takes, as the help writes it (ID, F|URL,
# open|closed|sent|all), or nothing for a flag without a value.
_wa_values() {
	_wa_usage "$1" "$2" | tr '[]' '  ' | awk -v opt="$3" '
		{ for (i = 1; i < NF; i++) if ($i == opt) { print $(i + 1); exit } }' |
		sed 's/^--.*//; s/^|$//'
}

# _wa_db WORDS...: the database the command line names (--db, WA_DB, the
# default), printed only when the file exists, or when it is a PostgreSQL
# URI or conninfo string (a server's database is there to ask).
_wa_db() {
	local db= i
	for ((i = 1; i < $#; i++)); do
		[[ ${!i} == --db ]] && { i=$((i + 1)); db=${!i}; }
	done
	for i in "$@"; do
		[[ $i == --db=* ]] && db=${i#--db=}
	done
	[[ -n $db ]] || db=${WA_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/wa/wa.db}
	case $db in
	postgres://* | postgresql://* | host=* | dbname=* | service=*)
		printf '%s\n' "$db" ;;
	*) [[ -f $db ]] && printf '%s\n' "$db" ;;
	esac
}

# _wa_field DB KEY CMD...: the string values of KEY in CMD's JSON lines.
_wa_field() {
	local db=$1 key=$2
	shift 2
	"$@" --db "$db" --json 2>/dev/null |
		sed -n 's/.*"'"$key"'":"\([^"]*\)".*/\1/p' | sort -u
}

# _wa_desk KIND WORDS...: channel ids, WABA ids, view, template, agent or
# routing rule names.
_wa_desk() {
	local kind=$1 db
	shift
	db=$(_wa_db "$@") || return 0
	case $kind in
	channel) _wa_field "$db" channel wa-connect list ;;
	waba) _wa_field "$db" waba_id wa-connect list ;;
	view) _wa_field "$db" name wa-view views ;;
	template) _wa_field "$db" name wa-template list ;;
	agent) _wa_field "$db" name wa-view agents list ;;
	rule) _wa_field "$db" name wa-view route list ;;
	esac
}

_wa() {
	local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	local prev= sub= subs words opts vals w i nonopt=0
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	subs=" $(_wa_subcommands "$tool") "
	# The subcommand, and how many operands precede the cursor.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--*=*|-) ;;
		-*) [[ -n $(_wa_values "$tool" "$sub" "$w") ]] && i=$((i + 1)) ;;
		*) if [[ -z $sub && $subs == *" $w "* ]]; then sub=$w
		   else nonopt=$((nonopt + 1)); fi ;;
		esac
	done
	COMPREPLY=()

	# The value of an option.
	if [[ $prev == --* && $cur != -* ]]; then
		vals=$(_wa_values "$tool" "$sub" "$prev")
		case $prev:$vals in
		--channel:*|--phone-number-id:*|--to-phone-number-id:*)
			COMPREPLY=($(compgen -W "$(_wa_desk channel "${words[@]}")" -- "$cur")) ;;
		--waba:*) COMPREPLY=($(compgen -W "$(_wa_desk waba "${words[@]}")" -- "$cur")) ;;
		--view:*) COMPREPLY=($(compgen -W "$(_wa_desk view "${words[@]}")" -- "$cur")) ;;
		--agent:*|--owner:*|--as:*)
			COMPREPLY=($(compgen -W "$(_wa_desk agent "${words[@]}")" -- "$cur")) ;;
		*:*[A-Z]*) case $vals in
			*F\|*|F|FILE*|*.json|PATH|*FILE) compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -f -- "$cur")) ;;
			esac ;;
		*:*\|*) vals=${vals%%:*}
			COMPREPLY=($(compgen -W "${vals//|/ }" -- "$cur")) ;;
		esac
		[[ -n $vals ]] && return 0
	fi
	if [[ $cur == -* ]]; then
		opts=$({ _wa_usage "$tool" "$sub" | grep -o -- '--[a-z][a-z0-9-]*'
			printf '%s\n' --help --version
			[[ $tool == wa-webhook ]] || printf '%s\n' --db --json --table
			} | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	# A subcommand, then its operands.
	# (wa-recv takes files, wa-webhook a TYPE, where a subcommand may be)
	if [[ -z $sub && $subs != "  " ]] && ! [[ $tool == wa-recv && $nonopt -gt 0 ]]; then
		COMPREPLY=($(compgen -W "$subs" -- "$cur"))
		[[ $tool == wa-recv || $tool == wa-webhook ]] || return 0
	fi
	case $tool:$sub:$nonopt in
	wa-connect:show:0|wa-connect:disconnect:0|wa-connect:profile:0|\
	wa-connect:request-code:0|wa-connect:verify:0|wa-connect:register:0)
		COMPREPLY=($(compgen -W "$(_wa_desk channel "${words[@]}")" -- "$cur")) ;;
	wa-view:delete:0)
		COMPREPLY=($(compgen -W "$(_wa_desk view "${words[@]}")" -- "$cur")) ;;
	wa-view:contacts:0) COMPREPLY=($(compgen -W "add edit import list merge show" -- "$cur")) ;;
	wa-view:quarantine:0) COMPREPLY=($(compgen -W "release show" -- "$cur")) ;;
	wa-view:agents:0)
		COMPREPLY=($(compgen -W "add set list remove away back" -- "$cur")) ;;
	wa-view:agents:1) [[ $prev == add ]] ||
		COMPREPLY=($(compgen -W "$(_wa_desk agent "${words[@]}")" -- "$cur")) ;;
	wa-view:route:0) COMPREPLY=($(compgen -W "add list remove test" -- "$cur")) ;;
	wa-view:route:1) [[ $prev == remove ]] &&
		COMPREPLY=($(compgen -W "$(_wa_desk rule "${words[@]}")" -- "$cur")) ;;
	wa-template:show:0|wa-template:delete:0|wa-template:send:0)
		COMPREPLY=($(compgen -W "$(_wa_desk template "${words[@]}")" -- "$cur")) ;;
	wa-webhook::0)
		COMPREPLY+=($(compgen -W "$(_wa_help wa-webhook |
			sed -n '/^TYPE:/,$p' | sed 's/^TYPE://')" -- "$cur")) ;;
	wa-webhook:batch:*) compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	wa-recv::*|wa-send::*|wa-template:create:*|wa-view:contacts:*|\
	wa-template:pull:*|wa-template:diff:*|wa-template:push:*|\
	wa-template:lint:*|wa-db:backup:*)
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur")) ;;
	esac
	return 0
}

complete -F _wa wa-connect wa-recv wa-send wa-template wa-view wa-quota wa-db \
	wa-webhook
