# bash completion for capsyncctl: commands, options, and the connection names of the config
# (--config FILE on the command line, else /etc/capsync/capsync.yaml).

_capsyncctl_connections() {
    local config=/etc/capsync/capsync.yaml i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --config ]] && config=${COMP_WORDS[i + 1]}
    done
    [[ -r $config ]] || return
    # Connection entries are the list items with a name: "  - name: acme".
    sed -n 's/^[[:space:]]*-[[:space:]]*name:[[:space:]]*["'\'']\{0,1\}\([a-z0-9_-]*\).*/\1/p' "$config" 2>/dev/null
}

_capsyncctl() {
    local cur prev words cword
    _init_completion || return

    local global="--socket --config --instance --json --yes --help --version"
    case $prev in
        --socket) _filedir; return ;;
        --config) _filedir '@(yaml|yml)'; return ;;
        --instance) COMPREPLY=($(compgen -W "$(ls /etc/capsync/*.yaml 2>/dev/null | sed 's|.*/||; s|\.yaml$||')" -- "$cur")); return ;;
        --connection) COMPREPLY=($(compgen -W "$(_capsyncctl_connections)" -- "$cur")); return ;;
    esac

    # The command and its subcommand, skipping options and their values.
    local command="" sub="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --socket | --config | --connection | --link) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=${words[i]}
                elif [[ -z $sub && ($command == jobs || $command == conflicts) ]]; then
                    sub=${words[i]}
                fi
                ;;
        esac
    done

    local options="" names=false
    case $command in
        "") COMPREPLY=($(compgen -W "status sync-now plan jobs conflicts export connect disable enable $global" -- "$cur"))
            return ;;
        sync-now) options="--full --wait"; names=true ;;
        plan) options="--full --all"; names=true ;;
        export | disable | enable) names=true ;;
        connect) options="--manual --capsule"; names=true ;;
        jobs)
            case $sub in
                "") options="show retry --dead --connection" ;;
                retry) options="--all-dead" ;;
            esac ;;
        conflicts)
            case $sub in
                "") options="resolve"; names=true ;;
                resolve) options="--link --ignore" ;;
            esac ;;
    esac
    local words_out="$options $global"
    $names && words_out+=" $(_capsyncctl_connections)"
    COMPREPLY=($(compgen -W "$words_out" -- "$cur"))
} && complete -F _capsyncctl capsyncctl
