# Types `loomtunnel server --tok<TAB>` into an interactive zsh (a pseudo-terminal, zsh/zpty) whose
# completion system looks where zsh looks by default, and prints what the line became (PackagesIT).
setopt extendedglob
zmodload zsh/zpty
zpty shell 'zsh -f -i'
zpty -w shell 'PS1="> "; autoload -Uz compinit && compinit -u -D; echo READY'
zpty -r shell line '*READY*'
zpty -r shell line '*READY*'
zpty -w -n shell $'loomtunnel server --tok\t'
out=
for i in {1..200}; do
  zpty -r -t shell chunk && out+=$chunk
  [[ $out == *--tokens-file* ]] && break
  sleep 0.1
done
zpty -d shell
print -r -- "${out//$'\e'\[[0-9;?]#[a-zA-Z]/}"
