# Sourced by the tests here: loads bash-completion and etc/completion/capsyncctl.bash from the
# source tree $1; `offered ARGS...` prints what <Tab> after ARGS offers (sorted, one line).
source /usr/share/bash-completion/bash_completion
source "$1/etc/completion/capsyncctl.bash"

offered() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _capsyncctl capsyncctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
